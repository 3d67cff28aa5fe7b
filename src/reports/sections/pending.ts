/**
 * Sections whose data arrives with other issues. They are part of the report now, with their
 * definitions, and say plainly that there are no numbers yet: never an estimate in their place.
 */
import type { PendingSection } from '../types.js';

const ISSUE_3 = 'Needs the s.136/s.135 detention records (places of safety, conveyance, handover times), which arrive with issue 3 (MHA s.136 detentions). Until then this section has no figures.';

export const handoverAtPlaceOfSafety: PendingSection = {
  id: 'handoverAtPlaceOfSafety',
  title: 'Handover at places of safety',
  status: 'notYetAvailable',
  definition:
    'For each s.136/s.135 detention: arrival at the place of safety → NHS acceptance → police departure (R35). Handover time = police departure − arrival; the share over 60 minutes is against the National Partnership Agreement expectation of one hour.',
  reason: ISSUE_3,
  measures: [
    { id: 'handovers', label: 'Handovers at a place of safety', unit: 'count', definition: 'Detentions with arrival and police-departure times at a place of safety.' },
    { id: 'medianHandoverMinutes', label: 'Median handover time (minutes)', unit: 'minutes', definition: 'Median of police departure − arrival.' },
    { id: 'over60Share', label: 'Share over 60 minutes', unit: 'share', definition: 'Handovers where departure − arrival > 60 min ÷ handovers.' },
  ],
};

export const s136Detentions: PendingSection = {
  id: 's136Detentions',
  title: 's.136 detentions: first place of safety and conveyance',
  status: 'notYetAvailable',
  definition: 's.136 detentions that started in the period, by first place of safety (health-based place of safety, A&E, police station, other) and by conveyance method (ambulance, police vehicle, other).',
  reason: ISSUE_3,
  measures: [
    { id: 'detentions', label: 's.136 detentions', unit: 'count', definition: 'Detentions under s.136 starting in the period.' },
    { id: 'firstPlaceOfSafety', label: 'By first place of safety', unit: 'count', definition: 'Counts per first place of safety (ADR categories).' },
    { id: 'conveyance', label: 'By conveyance method', unit: 'count', definition: 'Counts per conveyance method (R33 categories).' },
  ],
};

export const referralAcknowledgement: PendingSection = {
  id: 'referralAcknowledgement',
  title: 'Referral acknowledgement times',
  status: 'notYetAvailable',
  definition: 'For referrals sent to partner agencies: sent → acknowledged (the agency confirms receipt) → answered, by agency.',
  reason:
    'Needs the sent and acknowledged times of referrals (partner email and acknowledgement), which arrive with issue 4. Answer times (made → answered) are reported now in the referrals section.',
  measures: [
    { id: 'acknowledged', label: 'Referrals acknowledged', unit: 'count', definition: 'Referrals with an acknowledgement recorded.' },
    { id: 'medianAcknowledgementMinutes', label: 'Median time to acknowledge (minutes)', unit: 'minutes', definition: 'Median of acknowledgedAt − sentAt.' },
  ],
};
