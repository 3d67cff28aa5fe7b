/**
 * `BENCH_SUITE=console npm run bench` — how long the server takes to render the console's queue
 * with 1,000 open incidents: the whole page (GET /console) and the live part every open console
 * reloads on each change (GET /console/partials/queue), through the app in process (no socket: the
 * render, not the network), signed in with a real session. A report, not a test: prints a Markdown
 * table and writes bench-results/console.json.
 *
 * The incidents are recorded through the command path on a fresh database (a file, synchronous=FULL
 * as the server runs): a realistic mix — a quarter just received, the rest assessed and graded, most
 * of those with police dispatched, a fifth referred to a partner.
 * Knobs: BENCH_CONSOLE_INCIDENTS=1000 BENCH_CONSOLE_RENDERS=200.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { consoleAccess } from '../../src/web/console/access.js';
import { QueueSection } from '../../src/web/console/screens/queue.js';
import type { ConsoleRequest } from '../../src/web/console/shell.js';
import { ManualClock } from '../support/clock.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.BENCH_CONSOLE_INCIDENTS ?? 1000);
const RENDERS = Number(process.env.BENCH_CONSOLE_RENDERS ?? 200);

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

/** The queue's query and HTML alone (no request, no session), for comparison. */
function renderOnly() {
  const r = {
    deps,
    user: handler,
    access: consoleAccess(handler.role),
    now: clock.now(),
    timeZone: config.force.timezone,
    csrf: '',
  } as unknown as ConsoleRequest;
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RENDERS + 20; i++) {
    const t = performance.now();
    bytes = String(QueueSection({ r, filter: {} })).length;
    if (i >= 20) ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), max: ms[ms.length - 1]!, bytes };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function time(path: string, cookie: string) {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RENDERS + 20; i++) {
    const t = performance.now();
    const res = await app.request(path, { headers: { cookie } });
    const body = await res.text();
    const elapsed = performance.now() - t;
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    if (i >= 20) ms.push(elapsed); // the first 20 warm up
    bytes = body.length;
  }
  ms.sort((a, b) => a - b);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), max: ms[ms.length - 1]!, bytes };
}

const started = performance.now();
record();
await deps.uow!.durable();
const recordSeconds = (performance.now() - started) / 1000;
const sessions = new SessionStore(db, clock, { idleMinutes: 15, absoluteHours: 12 });
const cookie = `${new SessionCookies(false).name}=${sessions.start(handler.id, 'token')}`;
const open = db.$client.prepare("SELECT count(*) FROM incidents WHERE status = 'open'").pluck().get() as number;
const page = await time('/console', cookie);
const partial = await time('/console/partials/queue', cookie);
const section = renderOnly();
const fmt = (x: number) => x.toFixed(1);
const row = (what: string, m: typeof page) =>
  `| ${what} | ${open} | ${fmt(m.p50)} | ${fmt(m.p99)} | ${fmt(m.max)} | ${Math.round(m.bytes / 1024)} KiB |`;
const table = [
  `| what | open incidents | p50 ms | p99 ms | max ms | size |`,
  `|---|---:|---:|---:|---:|---:|`,
  row('GET /console (the whole queue page)', page),
  row('GET /console/partials/queue (what each change reloads)', partial),
  row("the queue's query and HTML alone (no request)", section),
].join('\n');
process.stdout.write(
  `\n**Console queue render** (${RENDERS} renders each after 20 to warm up, in process; ${N} incidents ` +
    `recorded through the command path in ${recordSeconds.toFixed(1)} s; ${cpus().length} cores, load ` +
    `${loadavg()[0]!.toFixed(2)}):\n\n${table}\n`,
);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const result = { at: new Date().toISOString(), open, renders: RENDERS, page, partial, section, table };
writeFileSync(join(ROOT, 'bench-results', 'console.json'), `${JSON.stringify(result, null, 2)}\n`);
closeDatabase(db);
rmSync(dir, { recursive: true, force: true });
