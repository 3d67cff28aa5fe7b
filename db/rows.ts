/**
 * Prepared row writers generated from the drizzle tables, for the command hot path: drizzle builds
 * SQL per call (20-40 µs, STACK-NOTES trap 5); these are prepared once and map values with each
 * column's own driver mapping (booleans → 0/1), so the schema stays the single source of truth.
 */
import type Database from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

type Row<T extends SQLiteTable> = T['$inferInsert'];

function columnsOf(table: SQLiteTable) {
  return Object.entries(getTableColumns(table)) as Array<[string, { name: string; mapToDriverValue(v: unknown): unknown }]>;
}

/** INSERT (or upsert on `conflict` columns) one row of `table`. */
export function rowWriter<T extends SQLiteTable>(sqlite: Database.Database, table: T, conflict?: string[]): (row: Row<T>) => void {
  const cols = columnsOf(table);
  const names = cols.map(([, c]) => `"${c.name}"`).join(', ');
  const params = cols.map(([k]) => `@${k}`).join(', ');
  let sql = `INSERT INTO "${getTableName(table)}" (${names}) VALUES (${params})`;
  if (conflict) {
    const set = cols
      .filter(([, c]) => !conflict.includes(c.name))
      .map(([, c]) => `"${c.name}" = excluded."${c.name}"`)
      .join(', ');
    sql += ` ON CONFLICT(${conflict.map((c) => `"${c}"`).join(', ')}) DO UPDATE SET ${set}`;
  }
  const stmt = sqlite.prepare(sql);
  return (row) => {
    const values: Record<string, unknown> = {};
    for (const [k, c] of cols) {
      const v = (row as Record<string, unknown>)[k];
      values[k] = v === undefined || v === null ? null : c.mapToDriverValue(v);
    }
    stmt.run(values);
  };
}

/** DELETE FROM `table` WHERE `column` = ? */
export function rowDeleter(sqlite: Database.Database, table: SQLiteTable, column: string): (value: string) => void {
  const stmt = sqlite.prepare(`DELETE FROM "${getTableName(table)}" WHERE "${column}" = ?`);
  return (value) => {
    stmt.run(value);
  };
}
