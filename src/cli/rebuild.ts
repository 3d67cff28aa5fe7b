/**
 * npm run rebuild — recompute every projection (incidents, referrals, deadlines, alerts, person
 * keys) from the append-only event log, in one transaction. Safe to run while the server is stopped
 * or running (writers wait on the database lock).
 */
import { resolve } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { rebuildProjections } from '../commands/rebuild.js';

const path = resolve(process.env.DATABASE_PATH ?? './data/triage.sqlite');
const db = openDatabase(path);
try {
  const started = performance.now();
  const r = rebuildProjections(db);
  process.stdout.write(
    `rebuilt ${r.incidents} incidents from ${r.events} events in ${Math.round(performance.now() - started)} ms ` +
      `(${path})\n`,
  );
} finally {
  closeDatabase(db);
}
