/**
 * `BENCH_SUITE=console npm run bench`: how long the server takes to render the console's queue with
 * 1,000 open incidents. A report, not a test: a summary on stderr, everything in
 * bench-results/console.json.
 *
 * Server render time, in process through app.request (the whole server-side path: session, access,
 * the query, the HTML, security headers; no socket, so the network is not in it), signed in with a
 * real session: the page as a handler opens it (GET /console: the most urgent 200 rows listed, all
 * 1,000 counted), the part every open console reloads on each change (GET /console/partials/queue),
 * and the page with all 1,000 rows listed (?rows=all). Then its parts: the query alone, and the
 * section (query + HTML, no request). The raw baseline, in the same run: a bare Hono app answering
 * GET with a plain hono/html table of the same rows (the query's rows held in memory, seven cells each,
 * escaped, nothing else), through the same app.request.
 *
 * The incidents are recorded through the command path on a fresh database (a file, synchronous=FULL
 * as the server runs): a realistic mix — a quarter just received, the rest assessed and graded, most
 * of those with police dispatched, a fifth referred to a partner — received over the last 36 hours.
 * Each figure: BENCH_CONSOLE_RENDERS renders after BENCH_CONSOLE_WARMUP discarded ones.
 * Knobs: BENCH_CONSOLE_INCIDENTS=1000 BENCH_CONSOLE_RENDERS=300 BENCH_CONSOLE_WARMUP=30; BENCH_QUIET_LOAD=1.5
 * waits for a quieter machine first (machine.ts).
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { SessionCookies } from '../../src/access/session/session-http.js';
import { SessionStore } from '../../src/access/session/session-store.js';
import { createApp } from '../../src/app.js';
import { issueToken } from '../../src/auth/tokens.js';
import { createIncident } from '../../src/commands/create-incident.js';
import type { CommandDeps } from '../../src/commands/deps.js';
import { recordEvent } from '../../src/commands/record-event.js';
import { groupCommitUnitOfWork } from '../../src/commands/unit-of-work.js';
import { loadForceConfig } from '../../src/config/load.js';
import { buildIncidentInputs } from '../../src/domain/incident-inputs.js';
import { PersonKeyer } from '../../src/domain/person-key.js';
import { silentLogger } from '../../src/log.js';
import { loadQueue, type QueueRow } from '../../src/queries/queue.js';
import { logAccess } from '../../src/access/access-log.js';
import { policyFor } from '../../src/access/policy.js';
import { consoleAccess } from '../../src/web/console/access.js';
import { QUEUE_ROWS, QueueSection } from '../../src/web/console/screens/queue.js';
import type { ConsoleRequest } from '../../src/web/console/shell.js';
import { ManualClock } from '../support/clock.js';
import { benchCommand, loadAverage, machine as describeMachine, waitForQuiet } from './machine.js';
import { log, OUT_DIR } from './server-control.js';
import { type Latency, latency } from './stats.js';

const N = Number(process.env.BENCH_CONSOLE_INCIDENTS ?? 1000);
const RENDERS = Number(process.env.BENCH_CONSOLE_RENDERS ?? 300);
const WARMUP = Number(process.env.BENCH_CONSOLE_WARMUP ?? 30);

const dir = mkdtempSync(join(tmpdir(), 'mh-bench-console-'));
const db = openDatabase(join(dir, 'console.sqlite'), { synchronous: 'FULL' });
const clock = new ManualClock('2026-11-23T21:00:00Z');
const config = loadForceConfig();
const deps: CommandDeps = {
  db,
  clock,
  config,
  keyer: new PersonKeyer('bench-person-key-secret-0123456789abcdef'),
  mailEnabled: false,
  uow: groupCommitUnitOfWork(db.$client),
};
const app = createApp({ ...deps, logger: silentLogger });
const inputs = buildIncidentInputs(config);
const handler = issueToken(db, clock, 'Bench handler', 'dispatcher').user;
const meta = { actor: { id: handler.id, role: handler.role }, idempotencyKey: null, requestHash: '' };

/** The open incidents: spread over the last 36 hours, in every early state. */
function record() {
  const categories = config.categories.map((c) => c.code).filter((c) => c !== 'awolPatient');
  const ok = (r: { ok: boolean; refusal?: { message: string } }, what: string) => {
    if (!r.ok) throw new Error(`${what}: ${r.refusal?.message}`);
  };
  for (let i = 0; i < N; i++) {
    const receivedAt = new Date(clock.now().getTime() - (36 * 3_600_000 * (i + 1)) / N).toISOString();
    const category = categories[i % categories.length]!;
    const created = createIncident(
      deps,
      meta,
      inputs.createIncident.parse({
        receivedAt,
        reference: `BENCH-${i}`,
        channel: i % 3 === 0 ? '101' : '999',
        category,
        district: config.districts[i % config.districts.length],
        locationClass: i % 4 === 0 ? 'rural' : 'urban',
        mhFlagAtCall: true,
        summary: 'caller concerned for a neighbour',
      }),
    );
    ok(created, 'create');
    if (i % 4 === 0) continue;
    const id = (created as { body: { id: string } }).body.id;
    let version = 1;
    const step = (e: Record<string, unknown>) => {
      const r = recordEvent(deps, meta, {
        incidentId: id,
        ifMatch: version,
        input: inputs.incidentEvent.parse({ occurredAt: receivedAt, ...e }),
      });
      ok(r, String(e.type));
      version = (r as { body: { version: number } }).body.version;
    };
    step({
      type: 'THRIVE_RECORDED',
      threat: 'none identified',
      harm: 'self-neglect',
      risk: 'medium',
      investigation: 'none identified',
      vulnerability: 'lives alone',
      engagement: 'caller engaging',
      rationale: 'mental-health need',
    });
    step({ type: 'GRADE_SET', grade: ['G1', 'G2', 'G3', 'G4'][i % 4] });
    const rcrp = config.categories.find((c) => c.code === category)?.rcrp;
    if (i % 5 === 1) {
      if (rcrp)
        step({
          type: 'RCRP_DECISION_RECORDED',
          crimeOccurring: false,
          riskToLife: false,
          riskOfSeriousHarm: false,
          decision: 'jointResponse',
          rationale: 'health and police together',
        });
      step({ type: 'REFERRAL_MADE', agency: 'kmptSpoa', contactMethod: 'phone', namedContact: 'duty nurse' });
    } else if (rcrp) {
      step({
        type: 'RCRP_DECISION_RECORDED',
        crimeOccurring: false,
        riskToLife: true,
        riskOfSeriousHarm: false,
        decision: 'deploy',
        rationale: 'risk to life',
      });
    }
    if (i % 3 !== 0)
      step({ type: 'POLICE_DISPATCHED', resources: [{ callSign: `K${i}`, officers: 2, type: 'response' }] });
  }
}

/** `f` timed RENDERS times after WARMUP discarded runs; the size of what it produced (bytes). */
async function timed(f: () => string | Promise<string>): Promise<Latency & { bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < WARMUP + RENDERS; i++) {
    const t = performance.now();
    const out = await f();
    const elapsed = performance.now() - t;
    if (i >= WARMUP) ms.push(elapsed);
    bytes = Buffer.byteLength(out);
  }
  return { ...latency(ms), bytes };
}

/** GET `path` through the app, signed in; the body (must be 200). */
const get = (cookie: string, path: string) => async () => {
  const res = await app.request(path, { headers: { cookie } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
  return body;
};

/**
 * What the screen knows of the request, for rendering the section without one. The rows it lists are
 * not written to the access log here (the page's middleware does that, and is in the GET figures).
 */
const consoleRequest = (): ConsoleRequest => ({
  deps,
  session: null as unknown as ConsoleRequest['session'],
  user: handler as unknown as ConsoleRequest['user'],
  access: consoleAccess(handler.role, policyFor(config)),
  now: clock.now(),
  timeZone: config.force.timezone,
  csrf: '',
  shown: () => {},
});

/** The baseline: a bare Hono app rendering the same rows as a plain table (seven escaped cells each). */
function bareApp(rows: QueueRow[]) {
  const bare = new Hono();
  bare.get('/queue', (c) =>
    c.html(
      html`<!doctype html><html lang="en"><head><title>Queue</title></head><body><table><tbody>${rows.map(
        (r) =>
          html`<tr><td>${r.grade ?? '—'}</td><td>${r.receivedAt}</td><td><a href="/console/incidents/${r.id}">${
            r.reference ?? r.id
          }</a></td><td>${r.category}</td><td>${r.district ?? '—'}</td><td>${r.state}</td><td>${
            r.pendingReferrals
          }</td></tr>`,
      )}</tbody></table></body></html>`,
    ),
  );
  return bare;
}

const machine = describeMachine();
const command = benchCommand('console');
log(`bench console: recording ${N} open incidents through the command path`);
const recordStart = performance.now();
record();
await deps.uow!.durable();
const recordSeconds = (performance.now() - recordStart) / 1000;
const sessions = new SessionStore(db, clock, { idleMinutes: 15, absoluteHours: 12 });
const cookie = `${new SessionCookies(false).name}=${sessions.start(handler.id, 'token')}`;
const open = db.$client.prepare("SELECT count(*) FROM incidents WHERE status = 'open'").pluck().get() as number;
const allRows = loadQueue(db, config, {}, clock.now()).rows;
const listed = Math.min(QUEUE_ROWS, open);

const loadAtStart = await waitForQuiet(log);
const started = new Date();
log(`  ${open} open incidents (${recordSeconds.toFixed(1)} s); ${WARMUP} + ${RENDERS} renders each`);
type Figure = Latency & { what: string; listed: number; bytes: number; vsBare: number | null };
const figures: Figure[] = [];
const measure = async (what: string, rows: number, f: () => string | Promise<string>, bare?: Figure) => {
  const r = await timed(f);
  const figure: Figure = { what, listed: rows, ...r, vsBare: bare ? Number((r.p50 / bare.p50).toFixed(1)) : null };
  figures.push(figure);
  log(`  ${what}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${Math.round(r.bytes / 1024)} KiB`);
  return figure;
};
const bareGet = (rows: QueueRow[]) => {
  const bare = bareApp(rows);
  return async () => (await bare.request('/queue')).text();
};
const bareTop = await measure(
  `baseline: a bare Hono app, a plain hono/html table of the same ${listed} rows held in memory`,
  listed,
  bareGet(allRows.slice(0, listed)),
);
const bareAll = await measure(`baseline: the same, all ${open} rows`, open, bareGet(allRows));
await measure('GET /console (the queue page as opened)', listed, get(cookie, '/console'), bareTop);
await measure(
  'GET /console/partials/queue (what each change reloads)',
  listed,
  get(cookie, '/console/partials/queue'),
  bareTop,
);
await measure('GET /console?rows=all (every open incident listed)', open, get(cookie, '/console?rows=all'), bareAll);
await measure('the queue query alone (loadQueue, every open incident)', open, () =>
  String(loadQueue(db, config, {}, clock.now()).rows.length),
);
await measure('the queue section alone (query + HTML, no request)', listed, () =>
  String(QueueSection({ r: consoleRequest(), filter: {} })),
);
// What the page's middleware adds for the rows it lists (src/web/console/shown.ts), on its own.
await measure(`the access-log entry for the ${listed} rows listed, alone (logAccess, durable)`, listed, async () => {
  await logAccess(deps, {
    userId: handler.id,
    role: handler.role,
    kind: 'consultation',
    action: 'console.queue',
    operation: 'incident.read',
    outcome: 'shown',
    records: allRows.slice(0, listed).map((row) => ({ type: 'incident', id: row.id })),
  });
  return '';
});
const loadAtEnd = loadAverage();
// Every GET above logged the rows it listed, as in service: the access log grew during the run.
const accessLogRecords = db.$client.prepare('SELECT count(*) FROM access_audit_records').pluck().get() as number;

const fmt = (x: number) => x.toFixed(1);
const table = [
  '| what | rows listed | p50 ms | p99 ms | max ms | size | p50 vs bare table |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...figures.map(
    (f) =>
      `| ${f.what} | ${f.listed} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.max)} | ${Math.round(f.bytes / 1024)} ` +
      `KiB | ${f.vsBare === null ? '—' : `${f.vsBare}×`} |`,
  ),
].join('\n');
log(
  [
    '',
    '## Console queue render (`BENCH_SUITE=console`)',
    '',
    `${started.toISOString()}; \`${command}\`; ${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}; ` +
      `load average ${loadAtStart.join(' / ')} at the start, ${loadAtEnd.join(' / ')} at the end. ${open} open ` +
      `incidents recorded through the command path in ${recordSeconds.toFixed(1)} s; ${RENDERS} renders each after ` +
      `${WARMUP} discarded, in process; each GET wrote its access-log entry ` +
      `(${accessLogRecords.toLocaleString('en-GB')} record rows by the end).`,
    '',
    table,
    '',
  ].join('\n'),
);
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(
  join(OUT_DIR, 'console.json'),
  `${JSON.stringify(
    {
      generatedAt: started.toISOString(),
      command,
      machine,
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      settings: { incidents: N, renders: RENDERS, warmup: WARMUP, synchronous: 'FULL' },
      open,
      recordSeconds: Number(recordSeconds.toFixed(1)),
      accessLogRecordsAtEnd: accessLogRecords,
      figures,
      markdown: table,
    },
    null,
    2,
  )}\n`,
);
log('wrote bench-results/console.json');
closeDatabase(db);
rmSync(dir, { recursive: true, force: true });
