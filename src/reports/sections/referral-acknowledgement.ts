/** How fast partner agencies confirm they have a referral: reached → acknowledged, by agency. */
import { sectionSums, share } from '../sql.js';
import type { AvailableSection } from '../types.js';

export const referralAcknowledgement: AvailableSection = {
  id: 'referralAcknowledgement',
  title: 'Referral acknowledgement times',
  status: 'available',
  definition:
    'Referrals made on MH-related incidents received in the period, from the moment the referral reached the agency ' +
    '(the email was accepted by its mail server, or the call or portal entry was made) to the agency acknowledging ' +
    'it (through the partner link or to the control room). Acknowledgement is receipt, not an answer: answers ' +
    'are in the referrals section.',
  groupings: ['month', 'district', 'category', 'agency'],
  agencyMeaning: "the referral's own agency (an incident referred to two agencies counts under both)",
  measures: [
    {
      id: 'reached',
      label: 'Referrals that reached the agency',
      unit: 'count',
      definition: 'Referrals with a time they reached the agency (an email not yet delivered has none).',
      value: (s) => s.reached!,
    },
    {
      id: 'acknowledged',
      label: 'Acknowledged',
      unit: 'count',
      definition: 'Referrals with an acknowledgement recorded.',
      value: (s) => s.acknowledged!,
    },
    {
      id: 'acknowledgedShare',
      label: 'Acknowledged share',
      unit: 'share',
      definition: 'Acknowledged ÷ referrals that reached the agency.',
      value: (s) => share(s.acknowledged!, s.reached!),
      base: (s) => s.reached!,
    },
    {
      id: 'meanAcknowledgementMinutes',
      label: 'Mean time to acknowledge (minutes)',
      unit: 'minutes',
      definition:
        'Average (mean) time from the referral reaching the agency to the agency acknowledging it, over ' +
        'acknowledged referrals.',
      value: (s) => (s.acknowledged ? Math.round((s.ackSeconds! / 60 / s.acknowledged) * 10) / 10 : null),
      base: (s) => s.acknowledged!,
    },
    {
      id: 'acknowledgedWithin1hShare',
      label: 'Acknowledged within 1 hour',
      unit: 'share',
      definition: 'Acknowledged within an hour of reaching the agency ÷ acknowledged.',
      value: (s) => share(s.ackWithin1h!, s.acknowledged!),
      base: (s) => s.acknowledged!,
    },
  ],
  partitions: [],
  query: (ctx, p, groupBy) =>
    sectionSums(ctx, 'referral_rollup', ['reached', 'acknowledged', 'ack_seconds', 'ack_within_1h'], p, groupBy),
};
