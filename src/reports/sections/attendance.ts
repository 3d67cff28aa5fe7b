/** Attendance against the grade's target (R4/R5) on MH-related incidents: how often police got there in time. */
import { sectionSums, share } from '../sql.js';
import type { AvailableSection } from '../types.js';

export const attendance: AvailableSection = {
  id: 'attendance',
  title: 'Attendance against the grade targets',
  status: 'available',
  definition:
    'MH-related incidents received in the period whose grade (in effect at the first police arrival) has a ' +
    'configured attendance target (R4/R5): minutes from the call or from dispatch, urban or rural where the force ' +
    'splits them. Met when the first police arrival was at or before the due time; breached when it was later, ' +
    'or when the incident was closed after the due time with police needed and none arrived. Incidents still ' +
    'awaiting police, and incidents closed without an arrival that was not needed (handed to a partner, ' +
    'advice only), are not measured.',
  groupings: ['month', 'district', 'category', 'agency'],
  agencyMeaning: "the agency of the incident's first referral ('(none)' without one)",
  measures: [
    {
      id: 'attendanceMeasured',
      label: 'Incidents measured against a target',
      unit: 'count',
      definition: 'Met or breached.',
      value: (s) => s.attendanceMeasured!,
    },
    {
      id: 'attendanceMet',
      label: 'Attended within target',
      unit: 'count',
      definition: 'First police arrival at or before the due time.',
      value: (s) => s.attendanceMet!,
    },
    {
      id: 'attendanceBreached',
      label: 'Target breached',
      unit: 'count',
      definition:
        'First arrival after the due time, or closed after it with police needed and no arrival (each raised an R5 ' +
        'alert, except imported history).',
      value: (s) => s.attendanceBreached!,
    },
    {
      id: 'attendanceMetShare',
      label: 'Share attended within target',
      unit: 'share',
      definition: 'Attended within target ÷ incidents measured.',
      value: (s) => share(s.attendanceMet!, s.attendanceMeasured!),
      base: (s) => s.attendanceMeasured!,
    },
  ],
  partitions: [{ parts: ['attendanceMet', 'attendanceBreached'], total: 'attendanceMeasured' }],
  query: (ctx, p, groupBy) =>
    sectionSums(ctx, 'demand_rollup', ['attendance_measured', 'attendance_met', 'attendance_breached'], p, groupBy),
};
