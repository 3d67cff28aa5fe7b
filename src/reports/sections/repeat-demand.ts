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
    // Only people with an N-th (or later) contact in the period can qualify: their contacts from W
    // days before the period, in order, and a sliding window over each person's times.
    const candidates = prepared(
      ctx.db,
      'SELECT DISTINCT person FROM person_contacts INDEXED BY person_contacts_repeat WHERE rank >= ? AND received_s >= ? AND received_s < ?',
    )
      .pluck()
      .all(N, fromS, toS) as number[];
    const rows = prepared(
      ctx.db,
      `SELECT person, received_s FROM person_contacts INDEXED BY person_contacts_rank
       WHERE person IN (SELECT value FROM json_each(?)) AND received_s >= ? AND received_s < ? ORDER BY person, rank`,
    )
      .raw()
      .all(JSON.stringify(candidates), fromS - W * 86_400, toS) as Array<[number, number]>;
    const high: number[] = [];
    let person: number | null = null;
    let times: number[] = [];
    let counted = false;
    for (const [p, at] of rows) {
      if (p !== person) [person, times, counted] = [p, [], false];
      times.push(at);
      const k = times.length;
      if (!counted && k >= N && at >= fromS && at - times[k - N]! <= W * 86_400) {
        high.push(p);
        counted = true;
      }
    }
    const theirs = prepared(
      ctx.db,
      `SELECT count(*) AS n, coalesce(sum(officer_seconds), 0) AS os FROM person_contacts
       WHERE person IN (SELECT value FROM json_each(?)) AND received_s >= ? AND received_s < ?`,
    ).get(JSON.stringify(high), fromS, toS) as { n: number; os: number };
    return {
      groups: [],
      total: { ...period, highIntensityPeople: high.length, highIntensityIncidents: theirs.n, highIntensitySeconds: theirs.os },
    };
  },
};
