/** Officer-hours on MH-related incidents, by activity segment; control-room handling time. */
import { hours, sectionSums, share } from '../sql.js';
import type { AvailableSection } from '../types.js';

const SEGMENTS = [
  ['osTravel', 'os_travel', 'Travelling', 'travel to the scene (dispatched → arrived) or between places'],
  ['osScene', 'os_scene', 'On scene', 'at the scene'],
  ['osConveyance', 'os_conveyance', 'Conveying', 'conveying a person (to hospital, a place of safety, custody, home)'],
  ['osWaitingEd', 'os_waiting_ed', 'Waiting at A&E', 'waiting at an emergency department'],
  [
    'osWaitingHbpos',
    'os_waiting_hbpos',
    'Waiting at a place of safety',
    'waiting at a health-based place of safety (s.136 suite)',
  ],
  ['osCustody', 'os_custody', 'In custody', 'in custody (booking in, constant watch)'],
  ['osOther', 'os_other', 'Other', 'any other recorded activity'],
] as const;

export const officerHours: AvailableSection = {
  id: 'officerHours',
  title: 'Police time: officer-hours and where they went',
  status: 'available',
  definition:
    'Officer-hours are derived, never typed: for each resource assignment on an MH-related incident received in the ' +
    "period, (cleared − dispatched) × officers on the resource (R38). Each assignment's time is split into " +
    'activity segments that do not overlap and add up to it within a minute (R39); hours per activity are ' +
    'segment length × officers. Only cleared assignments count. Hours are attributed to the period of the ' +
    "incident's call, even when officers were still busy after it.",
  groupings: ['month', 'district', 'category', 'agency'],
  agencyMeaning: "the agency of the incident's first referral ('(none)' without one)",
  measures: [
    {
      id: 'withPolice',
      label: 'Incidents with police deployed',
      unit: 'count',
      definition: 'MH-related incidents with at least one resource assignment.',
      value: (s) => s.withPolice!,
    },
    {
      id: 'assignments',
      label: 'Resource assignments',
      unit: 'count',
      definition: 'Resources (call signs) assigned to those incidents.',
      value: (s) => s.assignments!,
    },
    {
      id: 'officerHours',
      label: 'Officer-hours',
      unit: 'hours',
      definition: 'Σ (cleared − dispatched) × officers, over cleared assignments.',
      value: (s) => hours(s.officerSeconds!),
      base: (s) => s.withPolice!,
    },
    ...SEGMENTS.map(([id, , label, what]) => ({
      id: id.replace(/^os/, 'hours'),
      label: `Officer-hours: ${label[0]!.toLowerCase()}${label.slice(1)}`,
      unit: 'hours' as const,
      definition: `Officer-hours in segments ${what}.`,
      value: (s: Record<string, number>) => hours(s[id]!),
      base: (s: Record<string, number>) => s.withPolice!,
    })),
    {
      id: 'officerHoursPerIncident',
      label: 'Officer-hours per incident with police',
      unit: 'hours',
      definition: 'Officer-hours ÷ incidents with police deployed.',
      value: (s) => (s.withPolice ? Math.round((s.officerSeconds! / 3600 / s.withPolice) * 100) / 100 : null),
      base: (s) => s.withPolice!,
    },
    {
      id: 'waitingShare',
      label: 'Share of officer-hours spent waiting (A&E or place of safety)',
      unit: 'share',
      definition: '(Waiting at A&E + waiting at a place of safety) ÷ all segment officer-hours.',
      value: (s) =>
        share(
          s.osWaitingEd! + s.osWaitingHbpos!,
          SEGMENTS.reduce((a, [k]) => a + s[k]!, 0),
        ),
      base: (s) => s.withPolice!,
    },
    {
      id: 'callsHandled',
      label: 'Calls handled by the control room',
      unit: 'count',
      definition: 'Calls about MH-related incidents with answered and ended times recorded.',
      value: (s) => s.callsHandled!,
    },
    {
      id: 'controlRoomHours',
      label: 'Control-room handling hours',
      unit: 'hours',
      definition: 'Σ (call ended − call answered) over those calls: call-handler time, not officer time.',
      value: (s) => hours(s.callSeconds!),
      base: (s) => s.callsHandled!,
    },
  ],
  partitions: [{ parts: SEGMENTS.map(([id]) => id.replace(/^os/, 'hours')), total: 'officerHours' }],
  query: (ctx, p, groupBy) =>
    sectionSums(
      ctx,
      'demand_rollup',
      ['with_police', 'assignments', 'officer_seconds', ...SEGMENTS.map(([, c]) => c), 'calls_handled', 'call_seconds'],
      p,
      groupBy,
    ),
};
