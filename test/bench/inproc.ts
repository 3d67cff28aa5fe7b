/**
 * In-process cost of one command (no sockets): app.request → POST /api/incidents/:id/events, and
 * the pieces of the command path on their own. For profiling the hot path, not for the report.
 *   npx tsx test/bench/inproc.ts [iterations] [FULL|NORMAL]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { createApp } from '../../src/app.js';
import { issueToken } from '../../src/auth/tokens.js';
import { systemClock } from '../../src/clock.js';
import type { CommandDeps } from '../../src/commands/deps.js';
import { loadForceConfig } from '../../src/config/load.js';
import { PersonKeyer } from '../../src/domain/person-key.js';
import { silentLogger } from '../../src/log.js';

const n = Number(process.argv[2] ?? 5000);
const sync = (process.argv[3] ?? 'NORMAL') as 'FULL' | 'NORMAL';
const dir = mkdtempSync(join(tmpdir(), 'mh-inproc-'));
const db = openDatabase(join(dir, 'x.sqlite'), { synchronous: sync });
const deps: CommandDeps = {
  db,
  clock: systemClock,
  config: loadForceConfig(),
  keyer: new PersonKeyer('bench-person-key-secret-0123456789abcdef'),
  mailEnabled: false,
};
const app = createApp({ ...deps, logger: silentLogger });
const token = issueToken(db, systemClock, 'Bench', 'call_handler').token;
const receivedAt = new Date(Date.now() - 600_000).toISOString();
const incidents: Array<{ id: string; version: number }> = [];
for (let i = 0; i < 50; i++) {
  const r = await app.request('/api/incidents', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      receivedAt,
      channel: '999',
      category: 'concernForWelfare',
      district: 'Maidstone',
      locationClass: 'urban',
      mhFlagAtCall: true,
      summary: 'x',
    }),
  });
  const b = (await r.json()) as { id: string; version: number };
  incidents.push({ id: b.id, version: b.version });
}
const body = JSON.stringify({
  type: 'NEW_INFORMATION',
  occurredAt: new Date(Date.now() - 30_000).toISOString(),
  summary: 'caller rang back: neighbour seen at the window, appeared confused',
  source: 'caller',
});
async function post(i: number) {
  const inc = incidents[i % incidents.length]!;
  const r = await app.request(`/api/incidents/${inc.id}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'if-match': `"${inc.version}"` },
    body,
  });
  if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`);
  await r.text();
  inc.version++;
}
for (let i = 0; i < 1000; i++) await post(i);
const t0 = performance.now();
for (let i = 0; i < n; i++) await post(i);
const ms = performance.now() - t0;
console.log(
  `${sync}: ${n} commands in ${ms.toFixed(0)} ms → ${((ms * 1000) / n).toFixed(0)} µs/command, ` +
    `${((n * 1000) / ms).toFixed(0)} commands/s (in process, sequential)`,
);
closeDatabase(db);
rmSync(dir, { recursive: true, force: true });
