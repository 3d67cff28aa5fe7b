/** SQL helpers shared by the section modules: sums over a rollup for a period, by group. */
import { getTableColumns } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { demandRollup, referralRollup } from '../../db/schema.js';
import { INCIDENT_MEASURES, REFERRAL_MEASURES } from '../domain/demand-ledger.js';
import type { GroupBy, ReportParams, SectionContext, SectionResult, Sums } from './types.js';
import { getOrInsert } from '../lib/maps.js';

const ALL_COLUMNS = {
  demand_rollup: INCIDENT_MEASURES.map((m) => getTableColumns(demandRollup)[m].name),
  referral_rollup: REFERRAL_MEASURES.map((m) => getTableColumns(referralRollup)[m].name),
};

/**
 * `sumRollup` for a section: the section names the columns it reads (its query); within one
 * report run the table is scanned once for all of them and the result shared.
 */
export function sectionSums(
  ctx: SectionContext,
  table: 'demand_rollup' | 'referral_rollup',
  columns: readonly string[],
  p: ReportParams,
  groupBy: GroupBy | null,
): SectionResult {
  for (const c of columns) if (!ALL_COLUMNS[table].includes(c)) throw new Error(`${table} has no measure ${c}`);
  if (!ctx.scans) return sumRollup(ctx.db, table, columns, p, groupBy);
  const key = `${table}|${groupBy}|${p.from}|${p.to}`;
  return getOrInsert(ctx.scans, key, () => sumRollup(ctx.db, table, ALL_COLUMNS[table], p, groupBy));
}

const stmts = new WeakMap<Db, Map<string, import('better-sqlite3').Statement>>();
export function prepared(db: Db, sql: string) {
  const m = getOrInsert(stmts, db, () => new Map());
  return getOrInsert(m, sql, () => db.$client.prepare(sql));
}

const camel = (c: string) => c.replace(/_([a-z0-9])/g, (_m, x: string) => x.toUpperCase());

const lastOfMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const addMonths = (month: string, n: number) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
};
/** An empty BETWEEN range (so one statement shape serves every period). */
const NOTHING = ['1', '0'] as const;

/**
 * [from, to] (local days) as the whole months inside it, read from the month rollup, and the
 * part-months at either end, read from the daily rollup. Ranges are inclusive; an unused one is
 * empty ('1' > '0').
 */
export function splitPeriod(
  from: string,
  to: string,
): { head: readonly [string, string]; months: readonly [string, string]; tail: readonly [string, string] } {
  const firstMonth = from.endsWith('-01') ? from.slice(0, 7) : addMonths(from.slice(0, 7), 1);
  const lastMonth = lastOfMonth(to.slice(0, 7)) === to ? to.slice(0, 7) : addMonths(to.slice(0, 7), -1);
  if (from > to || firstMonth > lastMonth) return { head: [from, to], months: NOTHING, tail: NOTHING };
  const head = from < `${firstMonth}-01` ? ([from, lastOfMonth(from.slice(0, 7))] as const) : NOTHING;
  const tail = to > lastOfMonth(lastMonth) ? ([`${to.slice(0, 7)}-01`, to] as const) : NOTHING;
  return { head, months: [firstMonth, lastMonth], tail };
}

/**
 * Sum `columns` of a rollup over [from, to] (local days), grouped by month (from the force-wide
 * 'all' rows) or by one dimension's value: whole months from the month rollup, part-months from
 * the daily one. The rollups hold exactly the sums of the ledger rows, so this equals a GROUP BY
 * over the ledger.
 */
export function sumRollup(
  db: Db,
  table: 'demand_rollup' | 'referral_rollup',
  columns: readonly string[],
  p: ReportParams,
  groupBy: GroupBy | null,
): SectionResult {
  const sums = columns.map((c) => `sum(${c}) AS ${camel(c)}`).join(', ');
  const cols = columns.join(', ');
  const group = (period: string) => (groupBy === 'month' ? `substr(${period}, 1, 7)` : groupBy ? 'grp' : `'all'`);
  const dim = groupBy === null || groupBy === 'month' ? 'all' : groupBy;
  const { head, months, tail } = splitPeriod(p.from, p.to);
  const rows = prepared(
    db,
    `SELECT g, ${sums} FROM (
       SELECT ${group('day')} AS g, ${cols} FROM ${table} WHERE dim = ? AND (day BETWEEN ? AND ? OR day BETWEEN ? AND ?)
       UNION ALL
       SELECT ${group('month')} AS g, ${cols} FROM ${table}_month WHERE dim = ? AND month BETWEEN ? AND ?)
     GROUP BY g ORDER BY g`,
  ).all(dim, ...head, ...tail, dim, ...months) as Array<{ g: string } & Sums>;
  const total: Sums = Object.fromEntries(columns.map((c) => [camel(c), 0]));
  const groups = rows.map(({ g, ...s }) => {
    for (const k of Object.keys(total)) total[k]! += (s[k] as number | null) ?? 0;
    return { group: g, sums: s as Sums };
  });
  return { groups, total };
}

export const hours = (seconds: number) => Math.round((seconds / 3600) * 10) / 10;
export const share = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 1000) / 1000 : null);
