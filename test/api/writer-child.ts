/**
 * A second writer process for the concurrency test: opens the same database file, waits for "go"
 * on stdin, records one event with the If-Match it was given, prints the outcome as JSON.
 */
import { createInterface } from 'node:readline';
import { openDatabase } from '../../db/client.js';
import { recordEvent } from '../../src/commands/record-event.js';
import { REFUSAL_STATUS } from '../../src/http/refusal.js';
import { loadForceConfig } from '../../src/config/load.js';
import { PersonKeyer } from '../../src/domain/person-key.js';

const [dbPath, incidentId, version, actorId, occurredAt] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const db = openDatabase(dbPath, { migrate: false });
const deps = {
  db,
  clock: { now: () => new Date(occurredAt) },
  config: loadForceConfig(),
  keyer: new PersonKeyer('test-secret-for-person-keys-0123456789'),
  mailEnabled: false,
};
process.stdout.write('ready\n');
createInterface({ input: process.stdin }).once('line', () => {
  const r = recordEvent(
    deps,
    { actor: { id: actorId, role: 'dispatcher' }, idempotencyKey: null, requestHash: '' },
    {
      incidentId,
      ifMatch: Number(version),
      input: { type: 'NEW_INFORMATION', occurredAt, summary: `update from process ${process.pid}`, source: 'officer' },
    },
  );
  const answer = r.ok ? { status: r.status } : { status: REFUSAL_STATUS[r.refusal.kind], code: r.refusal.code };
  process.stdout.write(`${JSON.stringify(answer)}\n`);
  db.$client.close();
  process.exit(0);
});
