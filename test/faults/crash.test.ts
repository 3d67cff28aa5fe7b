/**
 * Crash safety of the one-transaction-per-command design (ARCHITECTURE principle 3).
 *
 * A child process (crash-worker.ts) runs a continuous workload of commands against a real database
 * file (WAL, synchronous=FULL) and prints a line after each commit. The parent SIGKILLs it once
 * some hundreds of commands have committed, so the kill lands in the middle of the workload (most
 * of a command's time is its commit), reopens the file and checks:
 *  - no partial command: every stream's version = its last seq = its event count, the stored
 *    snapshot equals replay(events) (and survives restoreAggregate), stored idempotent answers point
 *    at events that exist, and every projection table equals a rebuild from the log;
 *  - durability: every command the child reported as committed before it died is there.
 * Three kills at different points, each run continuing on the database the previous one left.
 *
 * (A SIGKILL tests process death, not power loss: the OS still holds written pages.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../db/client.js';
import { incidentStore } from '../../src/commands/incident-store.js';
import { rebuildProjections } from '../../src/commands/rebuild.js';
import { replay, restoreAggregate, serializeAggregate } from '../../src/domain/incident-aggregate.js';

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const PROJECTION_TABLES = [
  'incidents',
  'incident_person_keys',
  'referrals',
  'referral_escalations',
  'deadlines',
  'alerts',
] as const;

interface Committed {
  incidentId: string;
  version: number;
  key: string | null;
}

/**
 * Run the worker until at least `target` commits are reported, then SIGKILL it. No deadline of our
 * own: a worker that dies early resolves here and fails the checks below; a stuck one hits the test's
 * timeout.
 */
function runUntilKilled(
  dbPath: string,
  seed: number,
  target: number,
): Promise<{ committed: Committed[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dbPath, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committed: Committed[] = [];
    let partial = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!; // an unfinished line names nothing we can check
      for (const line of lines) {
        const [tag, incidentId, version, key] = line.split(' ');
        if (tag !== 'ok') continue;
        committed.push({ incidentId: incidentId!, version: Number(version), key: key === '-' ? null : key! });
      }
      if (!killed && committed.length >= target) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    // 'close' fires after the process died and its stdout was drained: lines written before death count.
    child.on('close', (_code, signal) => {
      resolve({ committed, signal, stderr });
    });
  });
}

function dumpTable(db: Db, table: string): string[] {
  const cols = db.$client.prepare(`SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`).all(table) as Array<{
    name: string;
    pk: number;
  }>;
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const select = cols.map((c) => `quote("${c.name}")`).join(` || '|' || `);
  return db.$client
    .prepare(`SELECT ${select} FROM "${table}" ORDER BY ${pk.map((c) => `"${c.name}"`).join(', ')}`)
    .pluck()
    .all() as string[];
}

function checkNoPartialCommand(db: Db): void {
  const s = db.$client;
  expect(s.pragma('integrity_check', { simple: true })).toBe('ok');

  const streams = s
    .prepare(
      `SELECT i.id, i.version, i.snapshot, count(e.seq) AS events, max(e.seq) AS lastSeq
       FROM incidents i LEFT JOIN incident_events e ON e.incident_id = i.id GROUP BY i.id ORDER BY i.id`,
    )
    .all() as Array<{ id: string; version: number; snapshot: string; events: number; lastSeq: number }>;
  expect(
    s.prepare('SELECT count(DISTINCT incident_id) FROM incident_events').pluck().get(),
    'every stream has its incident row',
  ).toBe(streams.length);
  const store = incidentStore(db);
  for (const r of streams) {
    expect({ version: r.version, lastSeq: r.lastSeq }, `incident ${r.id}`).toEqual({
      version: r.events,
      lastSeq: r.events,
    });
    const replayed = serializeAggregate(replay(store.events(r.id)));
    expect(replayed, `snapshot of ${r.id} equals replay of its events`).toBe(r.snapshot);
    expect(serializeAggregate(restoreAggregate(r.snapshot)), `restored snapshot of ${r.id}`).toBe(replayed);
  }

  // An idempotent answer is stored in the same transaction as its event.
  const answers = s.prepare(`SELECT key, body, etag FROM idempotency_keys`).all() as Array<{
    key: string;
    body: string;
    etag: string;
  }>;
  const eventExists = s.prepare('SELECT 1 FROM incident_events WHERE incident_id = ? AND seq = ?').pluck();
  for (const a of answers) {
    const body = JSON.parse(a.body) as { id: string; version: number };
    expect(a.etag).toBe(`"${body.version}"`);
    expect(eventExists.get(body.id, body.version), `answer stored for key ${a.key} has its event`).toBe(1);
  }

  const stored = Object.fromEntries(PROJECTION_TABLES.map((t) => [t, dumpTable(db, t)]));
  rebuildProjections(db);
  for (const t of PROJECTION_TABLES) expect(dumpTable(db, t), `${t} equals a rebuild from the log`).toEqual(stored[t]);
}

function checkDurable(db: Db, committed: Committed[]): void {
  const eventExists = db.$client.prepare('SELECT 1 FROM incident_events WHERE incident_id = ? AND seq = ?').pluck();
  const answer = db.$client.prepare('SELECT etag FROM idempotency_keys WHERE key = ?').pluck();
  const lost = committed.filter((c) => eventExists.get(c.incidentId, c.version) !== 1);
  expect(lost, 'commands reported as committed before the kill').toEqual([]);
  const lostAnswers = committed.filter((c) => c.key !== null && answer.get(c.key) !== `"${c.version}"`);
  expect(lostAnswers, 'idempotent answers of committed commands').toEqual([]);
}

describe('a writer process killed mid-workload', () => {
  it('keeps every command it reported as committed and leaves no partial command, over three kills', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mh-crash-'));
    const dbPath = join(dir, 'crash.sqlite');
    try {
      const all: Committed[] = [];
      for (const [seed, target] of [
        [1, 200],
        [2, 350],
        [3, 500],
      ] as const) {
        const run = await runUntilKilled(dbPath, seed, target);
        expect(run.signal, `the worker must die by our SIGKILL, not on its own: ${run.stderr}`).toBe('SIGKILL');
        expect(run.committed.length).toBeGreaterThanOrEqual(target);
        all.push(...run.committed);

        const db = openDatabase(dbPath);
        try {
          checkDurable(db, all);
          checkNoPartialCommand(db);
        } finally {
          closeDatabase(db);
        }
      }
      // Sanity: the runs built on one another.
      const db = openDatabase(dbPath);
      try {
        expect(
          db.$client.prepare('SELECT count(*) FROM incident_events').pluck().get() as number,
        ).toBeGreaterThanOrEqual(all.length);
      } finally {
        closeDatabase(db);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
