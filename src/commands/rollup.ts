/**
 * demand_rollup and referral_rollup: the sums of incident_ledger and referral_ledger by
 * (dimension, local day, value). Kept in step with the ledgers in the same transaction, by
 * deltas: when an incident's ledger rows change, the old rows are subtracted and the new ones added.
 * Integer measures only, so the sums are exact; a key whose count reaches 0 is deleted, so the
 * tables always equal what `GROUP BY` over the ledgers gives (and what a rebuild writes).
 *
 * A command flushes its delta at once; the bulk import and rebuild accumulate a whole batch and
 * flush once per key.
 */
import type Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import { demandRollup, referralRollup } from '../../db/schema.js';
import {
  INCIDENT_MEASURES,
  REFERRAL_MEASURES,
  type IncidentLedgerRow,
  type ReferralLedgerRow,
} from '../domain/demand-ledger.js';

/** The dimensions a report can group by, and each row's value for it. */
export const DIMENSIONS = ['all', 'district', 'category', 'agency'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

type Row = { day: string; district: string; category: string; agency: string } & Record<string, unknown>;

const dimValue = (r: Row, d: Dimension) => (d === 'all' ? 'all' : r[d]);

class Table {
  readonly #upsert: Database.Statement;
  readonly #deleteEmpty: Database.Statement;
  readonly #pending = new Map<string, number[]>();
  constructor(
    sqlite: Database.Database,
    name: string,
    readonly measures: readonly string[],
    columns: Record<string, { name: string }>,
  ) {
    const cols = measures.map((m) => `"${columns[m]!.name}"`);
    this.#upsert = sqlite.prepare(
      `INSERT INTO ${name} (dim, day, grp, ${cols.join(', ')}) VALUES (?, ?, ?, ${cols.map(() => '?').join(', ')})
       ON CONFLICT(dim, day, grp) DO UPDATE SET ${cols.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
    );
    this.#deleteEmpty = sqlite.prepare(`DELETE FROM ${name} WHERE dim = ? AND day = ? AND grp = ? AND "${columns[measures[0]!]!.name}" = 0`);
  }
  add(row: Row, sign: 1 | -1) {
    for (const d of DIMENSIONS) {
      const key = `${d}\u0000${row.day}\u0000${dimValue(row, d)}`;
      let acc = this.#pending.get(key);
      if (!acc) this.#pending.set(key, (acc = new Array<number>(this.measures.length).fill(0)));
      for (let i = 0; i < this.measures.length; i++) acc[i]! += sign * (row[this.measures[i]!] as number);
    }
  }
  flush() {
    for (const [key, acc] of this.#pending) {
      if (acc.every((x) => x === 0)) continue;
      const [dim, day, grp] = key.split('\u0000') as [string, string, string];
      this.#upsert.run(dim, day, grp, ...acc);
      if (acc[0]! < 0) this.#deleteEmpty.run(dim, day, grp);
    }
    this.#pending.clear();
  }
}

export class RollupWriter {
  readonly #incidents: Table;
  readonly #referrals: Table;
  readonly #persons = new Set<number>();
  readonly #renumber: Database.Statement;
  constructor(sqlite: Database.Database) {
    this.#incidents = new Table(sqlite, 'demand_rollup', INCIDENT_MEASURES, getTableColumns(demandRollup));
    this.#referrals = new Table(sqlite, 'referral_rollup', REFERRAL_MEASURES, getTableColumns(referralRollup));
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
  change(before: { incidentLedger: IncidentLedgerRow[]; referralLedger: ReferralLedgerRow[] } | null, after: { incidentLedger: IncidentLedgerRow[]; referralLedger: ReferralLedgerRow[] }) {
    for (const r of before?.incidentLedger ?? []) this.#incidents.add(r as never, -1);
    for (const r of after.incidentLedger) this.#incidents.add(r as never, 1);
    for (const r of before?.referralLedger ?? []) this.#referrals.add(r as never, -1);
    for (const r of after.referralLedger) this.#referrals.add(r as never, 1);
  }
  flush() {
    this.#incidents.flush();
    this.#referrals.flush();
    for (const p of this.#persons) this.#renumber.run(p, p);
    this.#persons.clear();
  }
}
