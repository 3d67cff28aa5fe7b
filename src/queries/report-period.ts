/** The period the report page opens on: the last twelve months with data, or the twelve months to today. */
import type { Db } from '../../db/client.js';
import type { Clock } from '../clock.js';
import { getOrInsert } from '../lib/maps.js';

type Span = { first: string | null; last: string | null };
const spans = new WeakMap<Db, () => Span>();

export function defaultReportPeriod(db: Db, clock: Clock): { from: string; to: string } {
  const span = getOrInsert(spans, db, () => {
    const stmt = db.$client.prepare<[], Span>(
      `SELECT min(day) AS first, max(day) AS last FROM demand_rollup WHERE dim = 'all'`,
    );
    return () => stmt.get()!;
  });
  const { first, last } = span();
  const to = last ?? clock.now().toISOString().slice(0, 10);
  const from = new Date(Date.parse(to) - 364 * 86_400_000).toISOString().slice(0, 10);
  return { from: first && first > from ? first : from, to };
}
