/**
 * npm run rebuild — recompute every projection (incidents, referrals, deadlines, alerts, person
 * keys) from the append-only event log, in one transaction. Safe to run while the server is stopped
 * or running (writers wait on the database lock). Shows progress on stderr about once a second, and
 * a summary line on stdout at the end.
 */
import { resolve } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { rebuildProjections } from '../commands/rebuild.js';
import { rebuildReporter } from './rebuild-progress.js';

const path = resolve(process.env.DATABASE_PATH ?? './data/triage.sqlite');
const db = openDatabase(path);
try {
  const reporter = rebuildReporter({ now: () => performance.now(), write: (line) => process.stderr.write(line) });
  process.stderr.write(`rebuild: replaying the event log of ${path}\n`);
  const r = rebuildProjections(db, (p) => reporter.progress(p));
  process.stdout.write(reporter.summary(r, path));
} finally {
  closeDatabase(db);
}
