/** "Hours released": police time on incidents a partner took over after police had attended. */
import { hours, sectionSums, share } from '../sql.js';
import type { AvailableSection } from '../types.js';

export const hoursReleased: AvailableSection = {
  id: 'hoursReleased',
  title: 'Hours released: police time on incidents later handed to partners',
  status: 'available',
  definition:
    'MH-related incidents received in the period where police attended (officer-hours recorded) and a referral made ' +
    'at or after the first dispatch was accepted by the partner agency. Their officer-hours are time that went to ' +
    'incidents a partner ended up owning: the time an earlier handover under RCRP could release.',
  groupings: ['month', 'district', 'category', 'agency'],
  agencyMeaning: "the agency of the incident's first referral ('(none)' without one)",
  measures: [
    {
      id: 'handedToPartner',
      label: 'Incidents handed to a partner',
      unit: 'count',
      definition: 'MH-related incidents with at least one accepted referral (before or after police attended).',
      value: (s) => s.handedToPartner!,
    },
    {
      id: 'releasedIncidents',
      label: 'Handed over after police attended',
      unit: 'count',
      definition: 'Incidents with officer-hours and a referral accepted that was made at or after the first dispatch.',
      value: (s) => s.releasedIncidents!,
    },
    {
      id: 'releasedOfficerHours',
      label: 'Officer-hours on them ("hours released")',
      unit: 'hours',
      definition: 'All officer-hours on those incidents.',
      value: (s) => hours(s.releasedOfficerSeconds!),
      base: (s) => s.releasedIncidents!,
    },
    {
      id: 'releasedShare',
      label: 'Share of all officer-hours',
      unit: 'share',
      definition: 'Hours released ÷ all officer-hours on MH-related incidents.',
      value: (s) => share(s.releasedOfficerSeconds!, s.officerSeconds!),
      base: (s) => s.releasedIncidents!,
    },
  ],
  partitions: [],
  query: (ctx, p, groupBy) =>
    sectionSums(
      ctx,
      'demand_rollup',
      ['handed_to_partner', 'released_incidents', 'released_officer_seconds', 'officer_seconds'],
      p,
      groupBy,
    ),
};
