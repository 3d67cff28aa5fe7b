/** Handover at places of safety (R35): how long officers stayed after arriving with a detained person. */
import {
  byGroup,
  detentionRows,
  median,
  minutesBetween,
  oneDecimal,
  type DetentionGrouping,
  type DetentionRow,
} from '../detention-rows.js';
import { share } from '../sql.js';
import type { AvailableSection, Sums } from '../types.js';

function sums(rows: DetentionRow[], limit: number): Sums {
  const handover: number[] = [];
  const acceptance: number[] = [];
  let awaiting = 0;
  for (const r of rows) {
    if (!r.firstArrivedAt) continue;
    if (r.firstAcceptedAt) acceptance.push(minutesBetween(r.firstArrivedAt, r.firstAcceptedAt));
    if (r.firstDepartedAt) handover.push(minutesBetween(r.firstArrivedAt, r.firstDepartedAt));
    else if (r.status === 'running') awaiting++;
  }
  const s: Sums = {
    handovers: handover.length,
    over60: handover.filter((m) => m > limit).length,
    handoverMinutes: handover.reduce((a, m) => a + m, 0),
    accepted: acceptance.length,
    awaiting,
  };
  const mh = median(handover);
  const ma = median(acceptance);
  if (mh !== null) s.medianHandoverMinutes = mh;
  if (ma !== null) s.medianAcceptanceMinutes = ma;
  return s;
}

export const handoverAtPlaceOfSafety: AvailableSection = {
  id: 'handoverAtPlaceOfSafety',
  title: 'Handover at places of safety',
  status: 'available',
  definition:
    'For each s.136/s.135 detention on an incident received in the period that reached a place of safety: arrival at ' +
    'the first place of safety → NHS acceptance → police departure (R35). Handover time = police departure − ' +
    "arrival, measured against the National Partnership Agreement's expectation of one hour (the force " +
    'configures it; 60 minutes by default).',
  groupings: ['month', 'district', 'category'],
  measures: [
    {
      id: 'handovers',
      label: 'Handovers completed',
      unit: 'count',
      definition: 'Detentions with an arrival and a police departure at the first place of safety.',
      value: (s) => s.handovers!,
    },
    {
      id: 'awaiting',
      label: 'Police still waiting',
      unit: 'count',
      definition: 'Detentions still running where police arrived and have not yet left.',
      value: (s) => s.awaiting!,
    },
    {
      id: 'medianHandoverMinutes',
      label: 'Median handover time (minutes)',
      unit: 'minutes',
      definition: 'Median of police departure − arrival.',
      value: (s) => oneDecimal(s.medianHandoverMinutes ?? null),
      base: (s) => s.handovers!,
    },
    {
      id: 'meanHandoverMinutes',
      label: 'Mean handover time (minutes)',
      unit: 'minutes',
      definition: 'Mean of police departure − arrival.',
      value: (s) => (s.handovers ? oneDecimal(s.handoverMinutes! / s.handovers) : null),
      base: (s) => s.handovers!,
    },
    {
      id: 'over60',
      label: 'Handovers over the expectation',
      unit: 'count',
      definition: 'Handovers where police departure − arrival exceeded the expectation (60 minutes by default).',
      value: (s) => s.over60!,
    },
    {
      id: 'over60Share',
      label: 'Share over the expectation',
      unit: 'share',
      definition: 'Handovers over the expectation ÷ handovers completed.',
      value: (s) => share(s.over60!, s.handovers!),
      base: (s) => s.handovers!,
    },
    {
      id: 'medianAcceptanceMinutes',
      label: 'Median time to NHS acceptance (minutes)',
      unit: 'minutes',
      definition: 'Median of NHS acceptance − arrival, over detentions with an acceptance recorded.',
      value: (s) => oneDecimal(s.medianAcceptanceMinutes ?? null),
      base: (s) => s.accepted!,
    },
  ],
  partitions: [],
  query(ctx, p, groupBy) {
    const limit = ctx.config.s136.handoverMinutes;
    const { groups, all } = byGroup(detentionRows(ctx, p, groupBy as DetentionGrouping | null));
    return { groups: groups.map((g) => ({ group: g.group, sums: sums(g.rows, limit) })), total: sums(all, limit) };
  },
};
