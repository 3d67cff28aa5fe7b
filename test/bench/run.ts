/**
 * `npm run bench` — command throughput of POST /api/incidents/:id/events over real HTTP, against a
 * raw baseline measured in the same run (a minimal Hono route: zod + one prepared INSERT). A report,
 * not a test: it prints a Markdown table and writes bench-results/commands.json.
 *
 * Each server runs in its own child process (its own event loop, apart from autocannon) on a fresh
 * temporary database. Per run: start → warm up (one set of incidents) → measure (a second, untouched
 * set) → stop. Runs alternate baseline/system; the median of the runs is reported.
 *
 * Knobs (environment): BENCH_RUNS=3 BENCH_DURATION=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=50
 * BENCH_SYNC=FULL,NORMAL BENCH_ONLY=system|baseline BENCH_PROFILE=1 (child --cpu-prof into
 * bench-results/profiles/<run>/; read one with `npx tsx test/bench/profile-summary.ts <file>`).
 * `npx tsx test/bench/inproc.ts` times the command path in process, without sockets.
 * Then (BENCH_SUITE=all, the default) test/bench/live.ts: push latency of the live feed to 50 consoles
 * and command latency under a fixed 200 requests/s; test/bench/reports.ts: bulk import and the demand
 * report over 1,000,000 incidents; test/bench/console.ts: the console's queue render with 1,000 open
 * incidents. BENCH_SUITE=commands, live, reports or console runs one part.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine as describeMachine } from './machine.js';
import {
  IncidentPool,
  type Kind,
  log,
  once,
  OUT_DIR,
  postEvents,
  ROOT,
  startServer as startChild,
  stopServer,
  type Sync,
} from './server-control.js';
import type { ServerStats } from './server.js';
import { median } from './stats.js';

const env = process.env;
const RUNS = Number(env.BENCH_RUNS ?? 3);
const DURATION = Number(env.BENCH_DURATION ?? 10);
const WARMUP = Number(env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 50);
const SYNCS = (env.BENCH_SYNC ?? 'FULL,NORMAL').split(',').map((s) => s.trim().toUpperCase()) as Sync[];
const KINDS: Kind[] = env.BENCH_ONLY ? [env.BENCH_ONLY as Kind] : ['baseline', 'system'];
const PROFILE = env.BENCH_PROFILE === '1';
let sqliteVersion = 'unknown';
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 30;
// Two disjoint sets (warm-up, measurement), each a little larger than the number of connections.
const SET_SIZE = CONNECTIONS + 10;

interface Measurement {
  kind: Kind;
  synchronous: Sync;
  run: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  rowsAfter: number;
  walBytesAfter: number;
  /** 1-minute load average when the measurement started: other work on the machine skews a run. */
  loadAverage: number;
  firstError?: string;
}

async function startServer(kind: Kind, sync: Sync, dbPath: string, label: string) {
  const started = await startChild(kind, sync, dbPath, {
    incidents: 2 * SET_SIZE,
    ...(PROFILE ? { profileLabel: label } : {}),
  });
  sqliteVersion = started.ready.sqlite;
  return started;
}

const load = (ready: Parameters<typeof postEvents>[0], pool: IncidentPool, seconds: number) =>
  postEvents(ready, pool, { seconds, connections: CONNECTIONS });

async function measure(kind: Kind, sync: Sync, run: number): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), `mh-bench-${kind}-`));
  const label = `${kind}-${sync}-${run}`;
  const { child, ready } = await startServer(kind, sync, join(dir, 'bench.sqlite'), label);
  try {
    const warmSet = new IncidentPool(ready.incidents.slice(0, SET_SIZE));
    const measureSet = new IncidentPool(ready.incidents.slice(SET_SIZE, 2 * SET_SIZE));
    if (WARMUP > 0) {
      const w = await load(ready, warmSet, WARMUP);
      if (w.result.non2xx > 0) log(`  warm-up ${label}: ${w.result.non2xx} non-2xx (${w.firstError})`);
    }
    const loadAverage = Number(loadavg()[0]!.toFixed(2));
    const { result: r, statuses, firstError } = await load(ready, measureSet, DURATION);
    child.send('stats');
    const stats = await once<ServerStats>(child, 'stats');
    const m: Measurement = {
      kind,
      synchronous: sync,
      run,
      requestsPerSec: r.requests.average,
      latencyMs: {
        p50: r.latency.p50,
        p90: r.latency.p90,
        p99: r.latency.p99,
        max: r.latency.max,
        mean: r.latency.average,
      },
      requests: r.requests.total,
      ok2xx: r['2xx'],
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      statuses,
      rowsAfter: stats.rows,
      walBytesAfter: stats.walBytes,
      loadAverage,
      ...(firstError ? { firstError } : {}),
    };
    log(
      `  ${label.padEnd(18)} ${m.requestsPerSec.toFixed(0).padStart(6)} req/s  p50 ${m.latencyMs.p50} ms  p99 ` +
        `${m.latencyMs.p99} ms  ` +
        `non-2xx ${m.non2xx}  errors ${m.errors}  timeouts ${m.timeouts}  WAL ${(m.walBytesAfter / 1e6).toFixed(1)} ` +
        `MB  load ${m.loadAverage}`,
    );
    if (firstError) log(`    first non-2xx: ${firstError}`);
    return m;
  } finally {
    await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Summary {
  kind: Kind;
  synchronous: Sync;
  runs: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

function summarise(ms: Measurement[], kind: Kind, sync: Sync): Summary | null {
  const xs = ms.filter((m) => m.kind === kind && m.synchronous === sync);
  if (xs.length === 0) return null;
  return {
    kind,
    synchronous: sync,
    runs: xs.length,
    requestsPerSec: median(xs.map((m) => m.requestsPerSec)),
    p50Ms: median(xs.map((m) => m.latencyMs.p50)),
    p99Ms: median(xs.map((m) => m.latencyMs.p99)),
    non2xx: xs.reduce((a, m) => a + m.non2xx, 0),
    errors: xs.reduce((a, m) => a + m.errors, 0),
    timeouts: xs.reduce((a, m) => a + m.timeouts, 0),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

async function main() {
  const started = Date.now();
  const machine = describeMachine();
  log(
    `bench: ${RUNS} run(s) × ${DURATION} s (+${WARMUP} s warm-up), ${CONNECTIONS} connections, synchronous ` +
      `${SYNCS.join('/')}, ${machine.nproc} cores, node ${machine.node}`,
  );

  const measurements: Measurement[] = [];
  for (const sync of SYNCS) {
    for (let run = 1; run <= RUNS; run++) {
      for (const kind of KINDS) measurements.push(await measure(kind, sync, run));
    }
  }

  const summaries = SYNCS.flatMap((s) => KINDS.map((k) => summarise(measurements, k, s))).filter(
    (x): x is Summary => x !== null,
  );
  const ratios: Partial<Record<Sync, number>> = {};
  for (const s of SYNCS) {
    const b = summaries.find((x) => x.kind === 'baseline' && x.synchronous === s);
    const y = summaries.find((x) => x.kind === 'system' && x.synchronous === s);
    if (b && y) ratios[s] = y.requestsPerSec / b.requestsPerSec;
  }
  const full = summaries.find((x) => x.kind === 'system' && x.synchronous === 'FULL');
  const verdict = {
    ratioAtFull: ratios.FULL ?? null,
    ratioTarget: TARGET_RATIO,
    ratioMet: ratios.FULL !== undefined ? ratios.FULL >= TARGET_RATIO : null,
    p99AtFullMs: full?.p99Ms ?? null,
    p99TargetMs: TARGET_P99_MS,
    p99Met: full ? full.p99Ms < TARGET_P99_MS : null,
    non2xxTotal: measurements.reduce((a, m) => a + m.non2xx, 0),
  };

  const label = (k: Kind) =>
    k === 'system'
      ? 'system: POST /api/incidents/:id/events (NEW_INFORMATION)'
      : 'baseline: Hono + zod + one prepared INSERT';
  const rows = summaries.map((s) => {
    const ratio =
      s.kind === 'system' && ratios[s.synchronous] !== undefined
        ? `${(ratios[s.synchronous]! * 100).toFixed(0)} %`
        : '—';
    return (
      `| ${label(s.kind)} | ${s.synchronous} | ${fmt(s.requestsPerSec)} | ${s.p50Ms} | ${s.p99Ms} | ${s.non2xx} ` +
      `| ${ratio} |`
    );
  });
  const table = [
    `| what | synchronous | req/s | p50 ms | p99 ms | non-2xx | vs baseline |`,
    `|---|---|---:|---:|---:|---:|---:|`,
    ...rows,
  ].join('\n');

  const yes = (b: boolean | null) => (b === null ? 'n/a' : b ? 'met' : 'MISSED');
  const out = [
    '',
    `## Command throughput (\`npm run bench\`)`,
    '',
    `${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}, SQLite ${sqliteVersion} WAL; autocannon ` +
      `${CONNECTIONS} connections over loopback, ` +
      `each server in its own process on a fresh database; median of ${RUNS} × ${DURATION} s after ${WARMUP} s ` +
      `warm-up.`,
    '',
    table,
    '',
    `Target at synchronous=FULL: ≥ ${TARGET_RATIO * 100} % of baseline req/s — ` +
      `${ratios.FULL !== undefined ? `${(ratios.FULL * 100).toFixed(1)} %` : 'n/a'} (${yes(verdict.ratioMet)}); ` +
      `p99 < ${TARGET_P99_MS} ms — ${full ? `${full.p99Ms} ms` : 'n/a'} (${yes(verdict.p99Met)}).`,
    ...(ratios.NORMAL !== undefined
      ? [`For information, synchronous=NORMAL: ${(ratios.NORMAL * 100).toFixed(1)} % of baseline.`]
      : []),
    `(${CONNECTIONS} closed-loop connections: mean latency ≈ ${CONNECTIONS} / req/s, so a p99 under ${TARGET_P99_MS} ` +
      `ms needs well over ${fmt(CONNECTIONS / (TARGET_P99_MS / 1000))} req/s.)`,
    ...(verdict.non2xxTotal > 0
      ? [`WARNING: ${verdict.non2xxTotal} non-2xx answers during measurement; the numbers are not valid.`]
      : []),
    '',
  ].join('\n');
  process.stdout.write(out);

  mkdirSync(OUT_DIR, { recursive: true });
  const json = {
    generatedAt: new Date().toISOString(),
    command: 'npm run bench',
    settings: {
      runs: RUNS,
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
      pipelining: 1,
      synchronous: SYNCS,
    },
    machine: { ...machine, sqlite: sqliteVersion },
    targets: { ratioAtFull: TARGET_RATIO, p99Ms: TARGET_P99_MS },
    ratios,
    verdict,
    summaries,
    measurements,
    markdown: table,
    elapsedSeconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(join(OUT_DIR, 'commands.json'), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote bench-results/commands.json (${json.elapsedSeconds} s)`);
}

// BENCH_SUITE=commands|live|reports|console|all (default all): the command path, the live feed (push latency
// and command latency at a fixed rate), import and reports over 1M incidents, the console's queue render.
const SUITE = env.BENCH_SUITE ?? 'all';
(async () => {
  if (SUITE === 'all' || SUITE === 'commands') await main();
  const { spawnSync } = await import('node:child_process');
  for (const part of ['live', 'reports', 'console']) {
    if (SUITE !== 'all' && SUITE !== part) continue;
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench', `${part}.ts`)], {
      cwd: ROOT,
      stdio: 'inherit',
      env,
    });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
})().catch((e: Error) => {
  log(`bench failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
