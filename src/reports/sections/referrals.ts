/**
 * Referrals to partner agencies and how they answered, from the referral ledger (status, made and
 * answered times, escalations). Acknowledgement times are their own section (referral-acknowledgement.ts).
 */
import { sectionSums, share } from '../sql.js';
import type { AvailableSection } from '../types.js';

export const referrals: AvailableSection = {
  id: 'referrals',
  title: 'Referrals to partner agencies and their answers',
  status: 'available',
  definition:
    'Referrals made on MH-related incidents received in the period, by their status now (R11): accepted, declined, ' +
    'no response (the agency did not answer in time), pending (no answer yet), resolved (after an escalation: ' +
    'police responded, an alternative was arranged or no further action) or withdrawn. An escalation that ends ' +
    'with the partner responding counts as accepted, one that upholds a decline as declined. Answer time = ' +
    "answeredAt − madeAt for referrals the agency itself accepted or declined (a late answer after 'no " +
    "response' counts from when the referral was made).",
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
      definition: 'Mean of answeredAt − madeAt over referrals the agency accepted or declined.',
      value: (s) => (s.answered ? Math.round((s.answerSeconds! / 60 / s.answered) * 10) / 10 : null),
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
  query: (ctx, p, groupBy) =>
    sectionSums(
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
    ),
};
