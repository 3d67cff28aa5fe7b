/**
 * Repeat demand (R41): how much demand comes from a small number of people. Counts only: the
 * marker is computed here from the pseudonymous person keys, never typed, and no person is named.
 */
import { hours, prepared, share } from '../sql.js';
import type { AvailableSection } from '../types.js';

export const repeatDemand: AvailableSection = {
  id: 'repeatDemand',
  title: 'Repeat demand: people with many incidents',
  status: 'available',
  definition:
    'Among MH-related incidents about an identified person (linked by their pseudonymous key), a person is high-intensity in the period when, at some incident received in the period, they had at least N incidents within the W days up to and including it (N and W are configured: reporting.highIntensity). Counts people and their incidents in the period; never who they are. People are told apart by their first pseudonymous key, so one person recorded once by NHS number and once by name only counts twice (repeat demand is undercounted, never overcounted).',
  groupings: [],
  measures: [
    { id: 'identifiedIncidents', label: 'MH-related incidents about an identified person', unit: 'count', definition: 'Incidents whose subject has a pseudonymous key.', value: (s) => s.identifiedIncidents! },
    { id: 'people', label: 'People identified', unit: 'count', definition: 'Distinct people among those incidents.', value: (s) => s.people! },
    { id: 'highIntensityPeople', label: 'High-intensity people', unit: 'count', definition: 'People meeting the threshold (≥ N incidents in W days) in the period.', value: (s) => s.highIntensityPeople! },
    { id: 'highIntensityIncidents', label: 'Their incidents in the period', unit: 'count', definition: 'Incidents in the period about high-intensity people.', value: (s) => s.highIntensityIncidents! },
    {
      id: 'highIntensityShare',
      label: 'Share of identified incidents',
      unit: 'share',
      definition: 'Their incidents ÷ incidents about an identified person.',
      value: (s) => share(s.highIntensityIncidents!, s.identifiedIncidents!),
      base: (s) => s.highIntensityPeople!,
    },
    {
      id: 'highIntensityOfficerHours',
      label: 'Officer-hours on their incidents',
      unit: 'hours',
      definition: 'Officer-hours on incidents in the period about high-intensity people.',
      value: (s) => hours(s.highIntensitySeconds!),
      base: (s) => s.highIntensityPeople!,
    },
    {
      id: 'highIntensityHoursShare',
      label: 'Share of officer-hours on identified incidents',
      unit: 'share',
      definition: 'Officer-hours on their incidents ÷ officer-hours on incidents about an identified person.',
      value: (s) => share(s.highIntensitySeconds!, s.identifiedSeconds!),
      base: (s) => s.highIntensityPeople!,
    },
  ],
  partitions: [],
  query(ctx, p) {
    const { minIncidents, windowDays } = ctx.config.reporting.highIntensity;
    const row = prepared(
      ctx.db,
      `WITH w AS (
         SELECT person, day, officer_seconds,
                lag(received_at, ?) OVER (PARTITION BY person ORDER BY received_at, incident_id) AS earlier,
                received_at
         FROM person_contacts
         WHERE day BETWEEN date(?, '-' || ? || ' days') AND ?
       ),
       hi AS (
         SELECT DISTINCT person FROM w
         WHERE day BETWEEN ? AND ? AND earlier IS NOT NULL AND julianday(received_at) - julianday(earlier) <= ?
       )
       SELECT count(*) AS identifiedIncidents,
              count(DISTINCT w.person) AS people,
              coalesce(sum(w.officer_seconds), 0) AS identifiedSeconds,
              (SELECT count(*) FROM hi) AS highIntensityPeople,
              coalesce(sum(hi.person IS NOT NULL), 0) AS highIntensityIncidents,
              coalesce(sum(CASE WHEN hi.person IS NOT NULL THEN w.officer_seconds ELSE 0 END), 0) AS highIntensitySeconds
       FROM w LEFT JOIN hi ON hi.person = w.person
       WHERE w.day BETWEEN ? AND ?`,
    ).get(minIncidents - 1, p.from, windowDays, p.to, p.from, p.to, windowDays, p.from, p.to) as Record<string, number>;
    return { groups: [], total: row };
  },
};
