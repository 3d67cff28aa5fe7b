/**
 * demand_rollup and referral_rollup: the sums of incident_ledger and referral_ledger by
 * (dimension, local day, value), and the *_month tables: the same by (dimension, local month,
 * value). Kept in step with the ledgers in the same transaction, by deltas: when an incident's
 * ledger rows change, the old rows are subtracted and the new ones added.
 * Integer measures only, so the sums are exact; a key whose count reaches 0 is deleted, so the
 * tables always equal what `GROUP BY` over the ledgers gives (and what a rebuild writes).
 *
 * A command flushes its delta at once; the bulk import and rebuild accumulate a whole batch and
 * flush once per key.
 */
import type Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import { demandRollup, demandRollupMonth, referralRollup, referralRollupMonth } from '../../db/schema.js';
import {
  INCIDENT_MEASURES,
  REFERRAL_MEASURES,
  type IncidentLedgerRow,
  type ReferralLedgerRow,
} from '../domain/demand-ledger.js';
import { getOrInsert } from '../lib/maps.js';

/** The dimensions a report can group by, and each row's value for it. */
export const DIMENSIONS = ['all', 'district', 'category', 'agency'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

type Row = { day: string; district: string; category: string; agency: string } & Record<string, unknown>;

const dimValue = (r: Row, d: Dimension) => (d === 'all' ? 'all' : r[d]);

/** A rollup's time grain: the column it is keyed on, and a ledger day's value for it. */
const GRAINS = {
  day: { column: 'day', of: (day: string) => day },
  month: { column: 'month', of: (day: string) => day.slice(0, 7) },
} as const;

class Table {
  readonly #upsert: Database.Statement;
  readonly #deleteEmpty: Database.Statement;
  readonly #pending = new Map<string, number[]>();
  readonly #period: (day: string) => string;
  constructor(
    sqlite: Database.Database,
    name: string,
    grain: keyof typeof GRAINS,
    readonly measures: readonly string[],
    columns: Record<string, { name: string }>,
  ) {
    const cols = measures.map((m) => `"${columns[m]!.name}"`);
    const at = GRAINS[grain].column;
    this.#period = GRAINS[grain].of;
    this.#upsert = sqlite.prepare(
      `INSERT INTO ${name} (dim, ${at}, grp, ${cols.join(', ')}) VALUES (?, ?, ?, ${cols.map(() => '?').join(', ')})
       ON CONFLICT(dim, ${at}, grp) DO UPDATE SET ${cols.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
    );
    this.#deleteEmpty = sqlite.prepare(
      `DELETE FROM ${name} WHERE dim = ? AND ${at} = ? AND grp = ? AND "${columns[measures[0]!]!.name}" = 0`,
    );
  }
  add(row: Row, sign: 1 | -1) {
    const period = this.#period(row.day);
    for (const d of DIMENSIONS) {
      const key = `${d}\u0000${period}\u0000${dimValue(row, d)}`;
      const acc = getOrInsert(this.#pending, key, () => new Array<number>(this.measures.length).fill(0));
      for (let i = 0; i < this.measures.length; i++) acc[i]! += sign * (row[this.measures[i]!] as number);
    }
  }
  flush() {
    for (const [key, acc] of this.#pending) {
      if (acc.every((x) => x === 0)) continue;
      const [dim, period, grp] = key.split('\u0000') as [string, string, string];
      this.#upsert.run(dim, period, grp, ...acc);
      if (acc[0]! < 0) this.#deleteEmpty.run(dim, period, grp);
    }
    this.#pending.clear();
  }
}

export class RollupWriter {
  readonly #incidents: Table[];
  readonly #referrals: Table[];
  readonly #persons = new Set<number>();
  readonly #renumber: Database.Statement;
  constructor(sqlite: Database.Database) {
    this.#incidents = [
      new Table(sqlite, 'demand_rollup', 'day', INCIDENT_MEASURES, getTableColumns(demandRollup)),
      new Table(sqlite, 'demand_rollup_month', 'month', INCIDENT_MEASURES, getTableColumns(demandRollupMonth)),
    ];
    this.#referrals = [
      new Table(sqlite, 'referral_rollup', 'day', REFERRAL_MEASURES, getTableColumns(referralRollup)),
      new Table(sqlite, 'referral_rollup_month', 'month', REFERRAL_MEASURES, getTableColumns(referralRollupMonth)),
    ];
    // A person's contacts in time order: rank 1, 2, … and the time of the contact before (R41 repeat demand).
    this.#renumber = sqlite.prepare(
      `UPDATE person_contacts SET rank = x.rn, prev_s = x.prev
       FROM (SELECT received_at AS rat, incident_id AS iid, row_number() OVER w AS rn, lag(received_s) OVER w AS prev
             FROM person_contacts WHERE person = ? WINDOW w AS (ORDER BY received_at, incident_id)) AS x
       WHERE person_contacts.person = ? AND person_contacts.received_at = x.rat AND person_contacts.incident_id = x.iid
         AND (person_contacts.rank <> x.rn OR person_contacts.prev_s IS NOT x.prev)`,
    );
  }
  /** The person_contacts rows of an incident changed: renumber those people's contacts at flush. */
  personsChanged(before: Array<{ person: number }> | null | undefined, after: Array<{ person: number }>) {
    for (const r of before ?? []) this.#persons.add(r.person);
    for (const r of after) this.#persons.add(r.person);
  }
  /** Record that an incident's ledger rows changed from `before` to `after` (not yet written). */
  change(
    before: { incidentLedger: IncidentLedgerRow[]; referralLedger: ReferralLedgerRow[] } | null,
    after: { incidentLedger: IncidentLedgerRow[]; referralLedger: ReferralLedgerRow[] },
  ) {
    for (const t of this.#incidents) {
      for (const r of before?.incidentLedger ?? []) t.add(r, -1);
      for (const r of after.incidentLedger) t.add(r, 1);
    }
    for (const t of this.#referrals) {
      for (const r of before?.referralLedger ?? []) t.add(r, -1);
      for (const r of after.referralLedger) t.add(r, 1);
    }
  }
  flush() {
    for (const t of [...this.#incidents, ...this.#referrals]) t.flush();
    for (const p of this.#persons) this.#renumber.run(p, p);
    this.#persons.clear();
  }
}
