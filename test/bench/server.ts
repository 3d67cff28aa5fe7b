/**
 * Child process for `npm run bench`: one HTTP server on its own event loop, on a fresh database.
 *
 *   node --import tsx test/bench/server.ts <system|baseline> <FULL|NORMAL> <dbPath> <incidents>
 *
 * system   — the real app (createApp, production pino logger at info, as src/server.ts builds it),
 *            a bearer token for a call handler and <incidents> incidents created through the API.
 * baseline — a minimal Hono route on @hono/node-server: zod validation of the same body + one
 *            prepared better-sqlite3 INSERT, same pragmas (WAL, synchronous as given); and a bare
 *            live feed: GET /api/stream answered on Node's own response object, to which each
 *            committed INSERT writes one SSE frame of the app's shape and size, nothing else done.
 *            One transaction per INSERT, or with BENCH_BASELINE_COMMIT=group the app's group commit.
 *
 * Reports { port, token, incidents, sqlite } to the parent over IPC; answers 'stats'; exits on
 * SIGTERM after closing the database (so --cpu-prof profiles are written). The system server has a
 * live change feed (GET /api/stream) as src/server.ts does; with BENCH_RECORD_PUBLISH=1 either server
 * notes when each notice is published (right after its COMMIT, before any console is written to) on
 * the machine's monotonic clock, and answers 'published' with those times
 * (and its CPU time so far).
 */
import { serve } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { z } from 'zod';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { createApp } from '../../src/app.js';
import { groupCommitUnitOfWork, serialUnitOfWork } from '../../src/commands/unit-of-work.js';
import { issueToken } from '../../src/auth/tokens.js';
import { systemClock } from '../../src/clock.js';
import type { CommandDeps } from '../../src/commands/deps.js';
import { loadForceConfig } from '../../src/config/load.js';
import { PersonKeyer } from '../../src/domain/person-key.js';
import { databaseFeed } from '../../src/live/database-feed.js';
import { createLogger } from '../../src/log.js';
import { monotonicMs } from './machine.js';

type Kind = 'system' | 'baseline';
type Sync = 'FULL' | 'NORMAL';

export interface ServerReady {
  type: 'ready';
  port: number;
  token: string;
  incidents: Array<{ id: string; version: number }>;
  sqlite: string;
  receivedAt: string;
}
export interface ServerStats {
  type: 'stats';
  rows: number;
  walBytes: number;
}
/** Notice id → when it was published (ms on the monotonic clock all processes here share: machine.ts). */
export interface PublishedTimes {
  type: 'published';
  times: Array<[string, number]>;
  /** This process's CPU time so far (user + system, ms): what the server spent, whatever else ran. */
  cpuMs: number;
  /** How late the event loop ran its timers since the last call (ms): time it was blocked, or waited for a core. */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** Garbage-collection pauses since the last call: how many, their total and the longest (ms). */
  gc: { count: number; totalMs: number; maxMs: number };
}

const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const gc = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

const recordPublish = process.env.BENCH_RECORD_PUBLISH === '1';
const published = new Map<string, number>();

const [kind, sync, dbPath, nText] = process.argv.slice(2) as [Kind, Sync, string, string];
if (!['system', 'baseline'].includes(kind) || !['FULL', 'NORMAL'].includes(sync) || !dbPath) {
  process.stderr.write('usage: server.ts <system|baseline> <FULL|NORMAL> <dbPath> <incidents>\n');
  process.exit(2);
}
const n = Number(nText ?? 100);
// Ten minutes ago: every NEW_INFORMATION posted during the run (occurredAt ≈ now − 30 s) is after it.
const receivedAt = new Date(Date.now() - 10 * 60_000).toISOString();

let sqlite: Database.Database;
let fetch: (req: Request) => Response | Promise<Response>;
let token = 'baseline-does-not-check-tokens';
const incidents: Array<{ id: string; version: number }> = [];
let rowsTable: string;

if (kind === 'system') {
  const db = openDatabase(dbPath, { synchronous: sync });
  sqlite = db.$client;
  rowsTable = 'incident_events';
  const deps: CommandDeps = {
    db,
    clock: systemClock,
    config: loadForceConfig(),
    keyer: new PersonKeyer('bench-person-key-secret-0123456789abcdef'),
    mailEnabled: false,
    // As src/server.ts runs: group commit (BENCH_COMMIT=serial measures one transaction per command).
    uow: process.env.BENCH_COMMIT === 'serial' ? serialUnitOfWork(db.$client) : groupCommitUnitOfWork(db.$client),
    feed: databaseFeed(db),
  };
  // The first subscriber: the feed calls it before any console's stream.
  if (recordPublish) {
    const record = { send: (f: { id: string }) => void published.set(f.id, monotonicMs()) };
    deps.feed!.subscribe({ ...record, comment: () => {}, close: () => {} }, null);
  }
  // Production logging (one pino line per request, to this child's stdout = /dev/null).
  const app = createApp({ ...deps, logger: createLogger('info') });
  token = issueToken(db, systemClock, 'Bench call handler', 'call_handler').token;
  for (let i = 0; i < n; i++) {
    const res = await app.request('/api/incidents', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        receivedAt,
        channel: '999',
        category: 'concernForWelfare',
        district: 'Maidstone',
        locationClass: 'urban',
        mhFlagAtCall: true,
        summary: 'caller concerned for neighbour',
      }),
    });
    const body = (await res.json()) as { id: string; version: number };
    if (res.status !== 201) throw new Error(`creating bench incident failed: ${res.status} ${JSON.stringify(body)}`);
    incidents.push({ id: body.id, version: body.version });
  }
  fetch = app.fetch;
  process.on('SIGTERM', () => {
    closeDatabase(db);
    process.exit(0);
  });
} else {
  sqlite = new Database(dbPath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${sync}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  rowsTable = 'events';
  sqlite.exec(`CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL,
    type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    payload TEXT NOT NULL
  )`);
  const insert = sqlite.prepare(
    'INSERT INTO events (incident_id, type, occurred_at, recorded_at, payload) VALUES (?, ?, ?, ?, ?)',
  );
  const schema = z.strictObject({
    type: z.literal('NEW_INFORMATION'),
    occurredAt: z.iso.datetime({ offset: true }),
    summary: z.string().min(1).max(4000),
    source: z.enum(['caller', 'thirdParty', 'officer', 'partnerAgency', 'other']),
  });
  const app = new Hono();
  const streams = new Set<ServerResponse>();
  let noticeCount = 0;
  app.get('/api/stream', (c) => {
    const res = (c.env as { outgoing: ServerResponse }).outgoing;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return RESPONSE_ALREADY_SENT;
  });
  const broadcast = (incidentId: string, seq: number) => {
    const id = `bare-${++noticeCount}`;
    if (recordPublish) published.set(id, monotonicMs());
    const frame = `id: ${id}\nevent: incident\ndata: ${bareNotice(incidentId, seq)}\n\n`;
    for (const res of streams) res.write(frame);
  };
  // One transaction per INSERT (as the command benchmark's baseline), or BENCH_BASELINE_COMMIT=group:
  // committed as the app commits (src/commands/unit-of-work.ts), so both pay the same fsyncs.
  const uow = process.env.BENCH_BASELINE_COMMIT === 'group' ? groupCommitUnitOfWork(sqlite) : null;
  app.post('/api/incidents/:id/events', async (c) => {
    const r = schema.safeParse(await c.req.json());
    if (!r.success) return c.json({ issues: r.error.issues }, 400);
    const e = r.data;
    const incidentId = c.req.param('id');
    const store = () => {
      const info = insert.run(
        incidentId,
        e.type,
        e.occurredAt,
        new Date().toISOString(),
        JSON.stringify({ summary: e.summary, source: e.source }),
      );
      return Number(info.lastInsertRowid);
    };
    let seq = 0;
    if (uow) {
      uow.run(() => {
        seq = store();
        uow.afterCommit(() => broadcast(incidentId, seq));
        return { ok: true };
      });
      await uow.durable();
    } else {
      seq = store();
      broadcast(incidentId, seq);
    }
    return c.json({ id: incidentId, seq }, 200);
  });
  for (let i = 0; i < n; i++) incidents.push({ id: `baseline-${i}`, version: 1 });
  fetch = app.fetch;
  process.on('SIGTERM', () => {
    sqlite.close();
    process.exit(0);
  });
}

/** A notice of the shape and size the app's feed sends for a NEW_INFORMATION (src/live/change-feed.ts). */
function bareNotice(incidentId: string, seq: number): string {
  return JSON.stringify({
    kind: 'incident',
    incidentId: `00000000-0000-4000-8000-${incidentId.padStart(12, '0').slice(-12)}`,
    reference: null,
    event: 'NEW_INFORMATION',
    actorRole: 'call_handler',
    version: seq,
    seq,
    state: 'awaitingThrive',
    status: 'open',
    alertsRaised: [],
    alerts: { unacknowledgedCritical: 0, unacknowledged: 0 },
  });
}

const sqliteVersion = (sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
const countRows = sqlite.prepare(`SELECT count(*) AS n FROM ${rowsTable}`).pluck();

serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  const ready: ServerReady = { type: 'ready', port: info.port, token, incidents, sqlite: sqliteVersion, receivedAt };
  process.send!(ready);
});

process.on('message', (m) => {
  if (m === 'published') {
    const cpu = process.cpuUsage();
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const times: PublishedTimes = {
      type: 'published',
      times: [...published],
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
      gc: { count: gc.count, totalMs: Math.round(gc.totalMs), maxMs: Math.round(gc.maxMs * 10) / 10 },
    };
    loopDelay.reset();
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0 });
    published.clear();
    process.send!(times);
    return;
  }
  if (m !== 'stats') return;
  let walBytes = 0;
  try {
    walBytes = statSync(`${dbPath}-wal`).size;
  } catch {
    /* no WAL file */
  }
  const stats: ServerStats = { type: 'stats', rows: countRows.get() as number, walBytes };
  process.send!(stats);
});
process.on('disconnect', () => process.exit(0));
