/**
 * The detentions behind the s.136 and handover sections: one row per detention on an incident
 * received in the period, with the incident's group. Detentions are few (hundreds a year), so the
 * sections read them from the `detentions` projection and aggregate in code (medians need the values).
 */
import { prepared } from './sql.js';
import type { GroupBy, ReportParams, SectionContext } from './types.js';
import { getOrInsert } from '../lib/maps.js';

export interface DetentionRow {
  g: string;
  power: string;
  status: string;
  detainedAt: string | null;
  firstPosType: string | null;
  conveyanceMethod: string | null;
  firstArrivedAt: string | null;
  firstAcceptedAt: string | null;
  firstDepartedAt: string | null;
  clockStart: string | null;
  assessmentStartedAt: string | null;
  outcome: string | null;
  endedAt: string | null;
  lapsedAt: string | null;
  extensionMinutes: number;
  transfers: number;
}

const GROUP_SQL: Record<'month' | 'district' | 'category' | 'all', string> = {
  month: 'substr(l.day, 1, 7)',
  district: 'l.district',
  category: 'l.category',
  all: "'all'",
};

export type DetentionGrouping = Exclude<GroupBy, 'agency'>;

export function detentionRows(ctx: SectionContext, p: ReportParams, groupBy: DetentionGrouping | null): DetentionRow[] {
  return prepared(
    ctx.db,
    `SELECT ${GROUP_SQL[groupBy ?? 'all']} AS g, d.power, d.status, d.detained_at AS detainedAt,
    d.first_pos_type AS firstPosType,
            d.conveyance_method AS conveyanceMethod, d.first_arrived_at AS firstArrivedAt,
            d.first_accepted_at AS firstAcceptedAt,
            d.first_departed_at AS firstDepartedAt, d.clock_start AS clockStart,
            d.assessment_started_at AS assessmentStartedAt,
            d.outcome, d.ended_at AS endedAt, d.lapsed_at AS lapsedAt, d.extension_minutes AS extensionMinutes,
            d.transfers
     FROM detentions d CROSS JOIN incident_ledger l ON l.incident_id = d.incident_id
     WHERE l.day BETWEEN ? AND ? ORDER BY g`,
  ).all(p.from, p.to) as DetentionRow[];
}

/** Rows by group, in group order, plus every row for the period total. */
export function byGroup(rows: DetentionRow[]): {
  groups: Array<{ group: string; rows: DetentionRow[] }>;
  all: DetentionRow[];
} {
  const groups = new Map<string, DetentionRow[]>();
  for (const r of rows) {
    getOrInsert(groups, r.g, () => []).push(r);
  }
  return { groups: [...groups].map(([group, rs]) => ({ group, rows: rs })), all: rows };
}

export const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

/** The median of a list (mean of the middle two when even); null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

export const oneDecimal = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
