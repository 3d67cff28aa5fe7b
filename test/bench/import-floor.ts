/**
 * The raw floor of a bulk import: how fast SQLite on this machine, through better-sqlite3, can
 * write the rows an import stores for each incident, with nothing else to do. The rows are the
 * ones the import just wrote (its event, the incident row and every per-incident projection row),
 * copied in the import's own batches (5,000 incidents per transaction, synchronous=FULL) into an
 * empty database of the same schema with one prepared INSERT per table. Reading the source rows
 * is outside the timing; parsing, validation, machines, projection and the demand rollups are not
 * done at all. No importer that stores these rows can beat this figure on this machine, so it is
 * the baseline the import's rate is a ratio of.
 */
import type Database from 'better-sqlite3';
import { getTableName } from 'drizzle-orm';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { PROJECTION_CHILD_TABLES } from '../../src/commands/incident-store.js';

export interface ImportFloor {
  incidents: number;
  rows: number;
  seconds: number;
  incidentsPerSecond: number;
  /** Time per row written, by table (µs per incident: that table's share of the floor). */
  byTable: Array<{ table: string; rows: number; usPerIncident: number }>;
}

/** The tables an import writes per incident, keyed by their incident id column. */
const PER_INCIDENT = [
  { table: 'incidents', key: 'id' },
  { table: 'incident_events', key: 'incident_id' },
  ...Object.values(PROJECTION_CHILD_TABLES).map((t) => ({ table: getTableName(t), key: 'incident_id' })),
];

export function measureImportFloor(source: Database.Database, targetPath: string, batchSize = 5000): ImportFloor {
  const target = openDatabase(targetPath, { synchronous: 'FULL' });
  const t = target.$client;
  try {
    const tables = PER_INCIDENT.map(({ table, key }) => {
      const columns = (
        source.prepare(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).pluck().all() as string[]
      ).map((c) => `"${c}"`);
      return {
        table,
        // Ids are time-ordered (UUID v7), so a batch is an id range, read in the order it was written.
        read: source
          .prepare(`SELECT ${columns.join(', ')} FROM "${table}" WHERE "${key}" >= ? AND "${key}" <= ? ORDER BY rowid`)
          .raw(),
        insert: t.prepare(
          `INSERT INTO "${table}" (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        ),
        rows: 0,
        ms: 0,
      };
    });
    const ids = source.prepare('SELECT id FROM incidents ORDER BY id').pluck().iterate() as IterableIterator<string>;
    let incidents = 0;
    let txMs = 0; // each transaction from BEGIN to COMMIT: the inserts and the fsyncs of synchronous=FULL
    let batch: string[] = [];
    const write = () => {
      if (batch.length === 0) return;
      const data = tables.map((x) => x.read.all(batch[0], batch[batch.length - 1]) as unknown[][]);
      const tx = t.transaction(() => {
        tables.forEach((x, i) => {
          const start = performance.now();
          for (const row of data[i]!) x.insert.run(row);
          x.ms += performance.now() - start;
          x.rows += data[i]!.length;
        });
      });
      const start = performance.now();
      tx.immediate();
      txMs += performance.now() - start;
      incidents += batch.length;
      batch = [];
    };
    for (const id of ids) {
      batch.push(id);
      if (batch.length >= batchSize) write();
    }
    write();
    const seconds = txMs / 1000;
    return {
      incidents,
      rows: tables.reduce((s, x) => s + x.rows, 0),
      seconds,
      incidentsPerSecond: incidents / seconds,
      byTable: tables
        .filter((x) => x.rows > 0)
        .map((x) => ({ table: x.table, rows: x.rows, usPerIncident: (x.ms * 1000) / incidents })),
    };
  } finally {
    closeDatabase(target);
  }
}

/**
 * The same copy done inside SQLite: one `INSERT … SELECT` per table per batch from the import's
 * database, attached, so no JavaScript touches a row. Reading the source rows is included (the one
 * cost this floor has that an importer would not). Whatever an importer does per row in JavaScript,
 * it cannot store these rows faster than this.
 */
export function measureSqlFloor(
  sourcePath: string,
  targetPath: string,
  batchSize = 5000,
): { incidents: number; seconds: number; incidentsPerSecond: number } {
  const target = openDatabase(targetPath, { synchronous: 'FULL' });
  const t = target.$client;
  try {
    t.prepare('ATTACH DATABASE ? AS src').run(sourcePath);
    const copies = PER_INCIDENT.map(({ table, key }) => {
      const columns = (
        t.prepare(`SELECT name FROM pragma_table_info('${table}', 'src') ORDER BY cid`).pluck().all() as string[]
      )
        .map((c) => `"${c}"`)
        .join(', ');
      return t.prepare(
        `INSERT INTO main."${table}" (${columns}) SELECT ${columns} FROM src."${table}" WHERE "${key}" >= ? AND ` +
          `"${key}" <= ? ORDER BY rowid`,
      );
    });
    const ids = t.prepare('SELECT id FROM src.incidents ORDER BY id').pluck().all() as string[];
    const copy = t.transaction((lo: string, hi: string) => {
      for (const c of copies) c.run(lo, hi);
    });
    const started = performance.now();
    for (let i = 0; i < ids.length; i += batchSize)
      copy.immediate(ids[i]!, ids[Math.min(ids.length, i + batchSize) - 1]!);
    const seconds = (performance.now() - started) / 1000;
    return { incidents: ids.length, seconds, incidentsPerSecond: ids.length / seconds };
  } finally {
    closeDatabase(target);
  }
}
