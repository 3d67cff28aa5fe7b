/**
 * Referrals to partner agencies and how they answered, from the referral ledger (status, made and
 * answered times, escalations). Acknowledgement times are their own section (referral-acknowledgement.ts).
 */
import { getOrInsert } from '../../lib/maps.js';
import { median, oneDecimal } from '../detention-rows.js';
import { prepared, sectionSums, share } from '../sql.js';
import type { AvailableSection, GroupBy, ReportParams, SectionContext, Sums } from '../types.js';

const GROUP_SQL: Record<GroupBy, string> = {
  month: 'substr(day, 1, 7)',
  district: 'district',
  category: 'category',
  agency: 'agency',
};
const ALL = '\u0000all';

/** Median answer time (seconds) per group and over the period: medians need every value, so the ledger is read. */
function answerMedians(ctx: SectionContext, p: ReportParams, groupBy: GroupBy | null): Map<string, number> {
  const rows = prepared(
    ctx.db,
    `SELECT ${groupBy ? GROUP_SQL[groupBy] : "'all'"} AS g, answer_seconds AS s FROM referral_ledger
     WHERE answered = 1 AND day BETWEEN ? AND ?`,
  ).all(p.from, p.to) as Array<{ g: string; s: number }>;
  const byGroup = new Map<string, number[]>([[ALL, []]]);
  for (const r of rows) {
    byGroup.get(ALL)!.push(r.s);
    if (groupBy) getOrInsert(byGroup, r.g, () => []).push(r.s);
  }
  const out = new Map<string, number>();
  for (const [g, xs] of byGroup) {
    const m = median(xs);
    if (m !== null) out.set(g, m);
  }
  return out;
}

const withMedian = (s: Sums, m: number | undefined): Sums => (m === undefined ? s : { ...s, medianAnswerSeconds: m });

export const referrals: AvailableSection = {
  id: 'referrals',
  title: 'Referrals to partner agencies and their answers',
  status: 'available',
  definition:
    'Referrals made on MH-related incidents received in the period, by their status now (R11): accepted, declined, ' +
    'no response (the agency did not answer in time), pending (no answer yet), resolved (after an escalation: ' +
    'police responded, an alternative was arranged or no further action) or withdrawn. An escalation that ends ' +
    'with the partner responding counts as accepted, one that upholds a decline as declined. Answer time is ' +
    'the time from the referral being made to the answer, for referrals the agency itself accepted or declined ' +
    "(a late answer after 'no response' counts from when the referral was made).",
  groupings: ['month', 'district', 'category', 'agency'],
  agencyMeaning: "the referral's own agency (an incident referred to two agencies counts under both)",
  measures: [
    {
      id: 'referrals',
      label: 'Referrals made',
      unit: 'count',
      definition: 'Referrals on MH-related incidents.',
      value: (s) => s.referrals!,
    },
    { id: 'accepted', label: 'Accepted', unit: 'count', definition: 'The agency accepted.', value: (s) => s.accepted! },
    {
      id: 'declined',
      label: 'Declined',
      unit: 'count',
      definition: 'The agency declined (a reason is always recorded, R11).',
      value: (s) => s.declined!,
    },
    {
      id: 'noResponse',
      label: 'No response',
      unit: 'count',
      definition: 'Recorded as no response and not answered since.',
      value: (s) => s.noResponse!,
    },
    {
      id: 'pending',
      label: 'Awaiting an answer',
      unit: 'count',
      definition: 'No answer recorded yet.',
      value: (s) => s.pending!,
    },
    {
      id: 'resolved',
      label: 'Resolved after escalation',
      unit: 'count',
      definition: 'An escalation ended with police responding, an alternative arranged or no further action (R13).',
      value: (s) => s.resolved!,
    },
    {
      id: 'withdrawn',
      label: 'Withdrawn',
      unit: 'count',
      definition: 'Withdrawn by the control room (no longer needed).',
      value: (s) => s.withdrawn!,
    },
    {
      id: 'escalated',
      label: 'Escalated',
      unit: 'count',
      definition: 'Referrals escalated at least once (R13), whatever their status now.',
      value: (s) => s.escalated!,
    },
    {
      id: 'acceptedShare',
      label: 'Accepted share',
      unit: 'share',
      definition: 'Accepted ÷ referrals made.',
      value: (s) => share(s.accepted!, s.referrals!),
      base: (s) => s.referrals!,
    },
    {
      id: 'meanAnswerMinutes',
      label: 'Mean time to answer (minutes)',
      unit: 'minutes',
      definition:
        'Average (mean) time from the referral being made to the agency accepting or declining it, over ' +
        'referrals the agency accepted or declined.',
      value: (s) => (s.answered ? Math.round((s.answerSeconds! / 60 / s.answered) * 10) / 10 : null),
      base: (s) => s.answered!,
    },
    {
      id: 'medianAnswerMinutes',
      label: 'Median time to answer (minutes)',
      unit: 'minutes',
      definition:
        'The middle value of the time from the referral being made to the agency accepting or declining it, over ' +
        'referrals the agency accepted or declined (half took longer, half less; one very slow answer does not ' +
        'move it, as it moves a mean).',
      value: (s) => (s.medianAnswerSeconds === undefined ? null : oneDecimal(s.medianAnswerSeconds / 60)),
      base: (s) => s.answered!,
    },
    ...(
      [
        ['answeredWithin1h', '1 hour'],
        ['answeredWithin4h', '4 hours'],
        ['answeredWithin24h', '24 hours'],
      ] as const
    ).map(([id, within]) => ({
      id: id.replace('answered', 'answeredShare'),
      label: `Answered within ${within}`,
      unit: 'share' as const,
      definition: `Accepted or declined within ${within} of the referral ÷ accepted or declined.`,
      value: (s: Record<string, number>) => share(s[id]!, s.answered!),
      base: (s: Record<string, number>) => s.answered!,
    })),
  ],
  partitions: [
    { parts: ['accepted', 'declined', 'noResponse', 'pending', 'resolved', 'withdrawn'], total: 'referrals' },
  ],
  query(ctx, p, groupBy) {
    const r = sectionSums(
      ctx,
      'referral_rollup',
      [
        'referrals',
        'accepted',
        'declined',
        'no_response',
        'pending',
        'resolved',
        'withdrawn',
        'escalated',
        'answered',
        'answer_seconds',
        'answered_within_1h',
        'answered_within_4h',
        'answered_within_24h',
      ],
      p,
      groupBy,
    );
    const medians = answerMedians(ctx, p, groupBy);
    return {
      groups: r.groups.map((g) => ({ group: g.group, sums: withMedian(g.sums, medians.get(g.group)) })),
      total: withMedian(r.total, medians.get(ALL)),
    };
  },
};
