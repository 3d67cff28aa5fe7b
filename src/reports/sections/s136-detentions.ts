/** s.136 detentions by first place of safety and by conveyance (the PCC's view of the ADR figures). */
import { CONVEYANCE_METHODS, PLACE_TYPES } from '../../../machines/detention/index.js';
import { byGroup, detentionRows, type DetentionGrouping, type DetentionRow } from '../detention-rows.js';
import { CONVEYANCE_LABEL, PLACE_TYPE_LABEL } from '../../domain/detention-labels.js';
import type { AvailableSection, Measure, Sums } from '../types.js';

const LABEL: Record<string, string> = { ...PLACE_TYPE_LABEL, ...CONVEYANCE_LABEL };
const posId = (t: string) => `pos_${t}`;
const convId = (m: string) => `conv_${m}`;

function sums(rows: DetentionRow[]): Sums {
  const s: Sums = { detentions: 0, posNone: 0, convNone: 0, consideredNotDetained: 0, s135: 0 };
  for (const t of PLACE_TYPES) s[posId(t)] = 0;
  for (const m of CONVEYANCE_METHODS) s[convId(m)] = 0;
  for (const r of rows) {
    if (r.status === 'notDetained') s.consideredNotDetained!++;
    if (r.power !== 's136') {
      if (r.detainedAt) s.s135!++;
      continue;
    }
    if (!r.detainedAt) continue;
    s.detentions!++;
    if (r.firstPosType) s[posId(r.firstPosType)]!++;
    else s.posNone!++;
    if (r.conveyanceMethod) s[convId(r.conveyanceMethod)]!++;
    else s.convNone!++;
  }
  return s;
}

const count = (id: string, label: string, definition: string): Measure => ({
  id,
  label,
  unit: 'count',
  definition,
  value: (s) => s[id] ?? 0,
});

export const s136Detentions: AvailableSection = {
  id: 's136Detentions',
  title: 's.136 detentions: first place of safety and conveyance',
  status: 'available',
  definition:
    "Detentions under MHA s.136 on incidents received in the period (the incident's local date; the Home Office " +
    'Annual Data Requirement return counts by the date of detention instead, R43), by the type of the first place ' +
    'of safety the person was taken to and by how they were conveyed there (R33). Officers who considered s.136 ' +
    'and decided not to detain, and s.135 warrants executed, are counted beside them.',
  groupings: ['month', 'district', 'category'],
  measures: [
    count('detentions', 's.136 detentions', 'Detentions under s.136 (a decision to detain recorded).'),
    ...PLACE_TYPES.map((t) =>
      count(
        posId(t),
        `First place of safety: ${LABEL[t]}`,
        `Detentions whose first place of safety was a ${LABEL[t]}.`,
      ),
    ),
    count(
      'posNone',
      'Not taken to a place of safety (yet)',
      'Detentions with no arrival at a place of safety: released before arrival, or still on the way.',
    ),
    ...CONVEYANCE_METHODS.map((m) =>
      count(
        convId(m),
        `Conveyed by ${LABEL[m]}`,
        `Detentions whose conveyance to the first place of safety was recorded as ${LABEL[m]}.`,
      ),
    ),
    count('convNone', 'Conveyance not recorded', 'Detentions with no conveyance recorded.'),
    count(
      'consideredNotDetained',
      'Considered, not detained',
      'Occasions an officer considered s.136 (or held a consultation) and recorded that the person was not detained.',
    ),
    count(
      's135',
      's.135 warrants executed',
      'Entries to premises under a s.135 warrant (not part of the s.136 total).',
    ),
  ],
  partitions: [
    { parts: [...PLACE_TYPES.map(posId), 'posNone'], total: 'detentions' },
    { parts: [...CONVEYANCE_METHODS.map(convId), 'convNone'], total: 'detentions' },
  ],
  query(ctx, p, groupBy) {
    const { groups, all } = byGroup(detentionRows(ctx, p, groupBy as DetentionGrouping | null));
    return { groups: groups.map((g) => ({ group: g.group, sums: sums(g.rows) })), total: sums(all) };
  },
};
