/**
 * Referrals to partner agencies and how they answered, from the referrals projection as it stands
 * (agency, status, madeAt, answeredAt). Acknowledgement times come with issue 4 (see
 * referral-acknowledgement.ts).
 */
import { sectionSums, share } from '../sql.js';
import type { AvailableSection } from '../types.js';

export const referrals: AvailableSection = {
  id: 'referrals',
  title: 'Referrals to partner agencies and their answers',
  status: 'available',
  definition:
    "Referrals made on MH-related incidents received in the period, by the answer now recorded: accepted, declined, no response (the agency did not answer in time), pending (no answer yet). Answer time = answeredAt − madeAt for referrals the agency accepted or declined (a late answer after 'no response' counts from when the referral was made).",
  groupings: ['month', 'district', 'category', 'agency'],
  agencyMeaning: "the referral's own agency (an incident referred to two agencies counts under both)",
  measures: [
    { id: 'referrals', label: 'Referrals made', unit: 'count', definition: 'Referrals on MH-related incidents.', value: (s) => s.referrals! },
    { id: 'accepted', label: 'Accepted', unit: 'count', definition: 'The agency accepted.', value: (s) => s.accepted! },
    { id: 'declined', label: 'Declined', unit: 'count', definition: 'The agency declined (a reason is always recorded, R11).', value: (s) => s.declined! },
    { id: 'noResponse', label: 'No response', unit: 'count', definition: 'Recorded as no response and not answered since.', value: (s) => s.noResponse! },
    { id: 'pending', label: 'Awaiting an answer', unit: 'count', definition: 'No answer recorded yet.', value: (s) => s.pending! },
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
      definition: 'Mean of answeredAt − madeAt over accepted or declined referrals.',
      value: (s) => (s.answered ? Math.round((s.answerSeconds! / 60 / s.answered) * 10) / 10 : null),
      base: (s) => s.answered!,
    },
    ...([
      ['answeredWithin1h', '1 hour'],
      ['answeredWithin4h', '4 hours'],
      ['answeredWithin24h', '24 hours'],
    ] as const).map(([id, within]) => ({
      id: id.replace('answered', 'answeredShare'),
      label: `Answered within ${within}`,
      unit: 'share' as const,
      definition: `Accepted or declined within ${within} of the referral ÷ accepted or declined.`,
      value: (s: Record<string, number>) => share(s[id]!, s.answered!),
      base: (s: Record<string, number>) => s.answered!,
    })),
  ],
  partitions: [{ parts: ['accepted', 'declined', 'noResponse', 'pending'], total: 'referrals' }],
  query: (ctx, p, groupBy) =>
    sectionSums(
      ctx,
      'referral_rollup',
      ['referrals', 'accepted', 'declined', 'no_response', 'pending', 'answered', 'answer_seconds', 'answered_within_1h', 'answered_within_4h', 'answered_within_24h'],
      p,
      groupBy,
    ),
};
