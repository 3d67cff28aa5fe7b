/**
 * Repeat demand (R41): how much demand comes from a small number of people. Counts only: the
 * marker is computed here from the pseudonymous person keys, never typed, and no person is named.
 */
import { startOfLocalDay } from '../../domain/demand-ledger.js';
import { hours, prepared, share } from '../sql.js';

const nextDay = (day: string) => new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
import type { AvailableSection } from '../types.js';

export const repeatDemand: AvailableSection = {
  id: 'repeatDemand',
  title: 'Repeat demand: people with many incidents',
  status: 'available',
  definition:
    'Among MH-related incidents about an identified person (linked by their pseudonymous key), a person is ' +
    'high-intensity in the period when, at some incident received in the period, they had at least N incidents ' +
    'within the W days up to and including it (N and W are set by the force: 5 in 90 days by default). Counts people ' +
    'and their incidents in the period; never who they are. People are told apart by their first pseudonymous ' +
    'key, so one person recorded once by NHS number and once by name only counts twice (repeat demand is ' +
    'undercounted, never overcounted).',
  groupings: [],
  measures: [
    {
      id: 'identifiedIncidents',
      label: 'MH-related incidents about an identified person',
      unit: 'count',
      definition: 'Incidents whose subject has a pseudonymous key.',
      value: (s) => s.identifiedIncidents!,
    },
    {
      id: 'people',
      label: 'People identified',
      unit: 'count',
      definition: 'Distinct people among those incidents.',
      value: (s) => s.people!,
    },
    {
      id: 'highIntensityPeople',
      label: 'High-intensity people',
      unit: 'count',
      definition: 'People meeting the threshold (≥ N incidents in W days) in the period.',
      value: (s) => s.highIntensityPeople!,
    },
    {
      id: 'highIntensityIncidents',
      label: 'Their incidents in the period',
      unit: 'count',
      definition: 'Incidents in the period about high-intensity people.',
      value: (s) => s.highIntensityIncidents!,
    },
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
    const { minIncidents: N, windowDays: W } = ctx.config.reporting.highIntensity;
    const tz = ctx.config.force.timezone;
    const fromS = Date.parse(startOfLocalDay(p.from, tz)) / 1000;
    const toS = Date.parse(startOfLocalDay(nextDay(p.to), tz)) / 1000;
    // Identified incidents in the period; a person counts once, at their first contact in it.
    const period = prepared(
      ctx.db,
      `SELECT count(*) AS identifiedIncidents, coalesce(sum(officer_seconds), 0) AS identifiedSeconds,
              coalesce(sum(prev_s IS NULL OR prev_s < ?), 0) AS people
       FROM person_contacts WHERE received_s >= ? AND received_s < ?`,
    ).get(fromS, fromS, toS) as Record<string, number>;
    // High-intensity: a contact in the period whose (N-1)-th predecessor (ranks are the person's
    // contacts in time order) is at most W days before it. One index probe per contact ranked N or later.
    const high = prepared(
      ctx.db,
      `SELECT DISTINCT c.person FROM person_contacts c INDEXED BY person_contacts_repeat
       JOIN person_contacts e INDEXED BY person_contacts_rank ON e.person = c.person AND e.rank = c.rank - ?
       WHERE c.rank >= ? AND c.received_s >= ? AND c.received_s < ? AND c.received_s - e.received_s <= ?`,
    )
      .pluck()
      .all(N - 1, N, fromS, toS, W * 86_400) as number[];
    const theirs = prepared(
      ctx.db,
      `SELECT count(*) AS n, coalesce(sum(c.officer_seconds), 0) AS os
       FROM json_each(?) j JOIN person_contacts c INDEXED BY person_contacts_rank ON c.person = j.value
       WHERE c.received_s >= ? AND c.received_s < ?`,
    ).get(JSON.stringify(high), fromS, toS) as { n: number; os: number };
    return {
      groups: [],
      total: {
        ...period,
        highIntensityPeople: high.length,
        highIntensityIncidents: theirs.n,
        highIntensitySeconds: theirs.os,
      },
    };
  },
};
