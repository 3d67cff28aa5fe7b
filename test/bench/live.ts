/**
 * `BENCH_SUITE=live npm run bench`: the live change feed and the command path at a fixed rate. A
 * report, not a test: a summary on stderr, everything in bench-results/live.json.
 *
 * Three processes: the server (test/bench/server.ts: the real app, synchronous=FULL, group commit, as
 * src/server.ts runs it), the consoles (test/bench/consoles.ts: 50 connections to GET /api/stream)
 * and this one, which sends the load — POST /api/incidents/:id/events — open loop at a fixed rate
 * (open-loop.ts), and once with autocannon's fixed rate. Phases, after a warm-up that is discarded:
 *
 *  calm   — 20 commands/s: push latency, commit → each console.
 *  busy   — 200 commands/s with the consoles connected: command latency (target p99 < 10 ms), push.
 *  autocannon — the same 200/s through autocannon's overallRate (its own load shape: server-control.ts).
 *  quiet  — 200 commands/s with no console connected: what the feed costs the commands.
 * Then the raw baseline, the same calm and busy phases against a bare server (server.ts 'baseline':
 * Hono + zod + one INSERT, committed the same way (group commit), then one SSE frame of the same size
 * written straight to each of the 50 consoles' sockets).
 *
 * Before them, the disk's own part: one INSERT committed at synchronous=FULL, 400 times (commitFloor).
 *
 * Push latency: the server notes when it publishes each notice (right after its COMMIT), the console
 * process when the notice arrives; both on the machine's monotonic clock (no skew: one machine).
 * Knobs: BENCH_CONSOLES=50 BENCH_RATE=200 BENCH_PUSH_RATE=20 BENCH_LIVE_SECONDS=20 BENCH_LIVE_WARMUP=5
 * BENCH_LIVE_CONNECTIONS=20 (autocannon's) BENCH_LIVE_INCIDENTS=1000 BENCH_LIVE_BASELINE=0 (skip the baseline);
 * BENCH_QUIET_LOAD=1.5 waits for a quieter machine first (machine.ts).
 */
import Database from 'better-sqlite3';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Collect, Latencies } from './consoles.js';
import { benchCommand, loadAverage, machine as describeMachine, waitForQuiet } from './machine.js';
import { type OpenLoopResult, openLoopEvents } from './open-loop.js';
import {
  IncidentPool,
  type Kind,
  log,
  once,
  OUT_DIR,
  postEvents,
  ROOT,
  startServer,
  stopServer,
} from './server-control.js';
import type { PublishedTimes, ServerReady } from './server.js';
import { type Latency, latency } from './stats.js';

const env = process.env;
const CONSOLES = Number(env.BENCH_CONSOLES ?? 50);
const RATE = Number(env.BENCH_RATE ?? 200);
const PUSH_RATE = Number(env.BENCH_PUSH_RATE ?? 20);
const SECONDS = Number(env.BENCH_LIVE_SECONDS ?? 20);
const WARMUP = Number(env.BENCH_LIVE_WARMUP ?? 5);
const CONNECTIONS = Number(env.BENCH_LIVE_CONNECTIONS ?? 20);
const BASELINE = env.BENCH_LIVE_BASELINE !== '0';
// Enough that a request always finds an incident that is not in flight.
const INCIDENTS = Number(env.BENCH_LIVE_INCIDENTS ?? 1000);
const TARGET_PUSH_P99_MS = 250;
const TARGET_COMMAND_P99_MS = 10;
const HERE = dirname(fileURLToPath(import.meta.url));

/** The consoles' process, connected. */
async function openConsoles(ready: ServerReady) {
  const child = fork(join(HERE, 'consoles.ts'), [String(ready.port), ready.token, String(CONSOLES)], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await once(child, 'connected');
  let cpuMs = 0;
  return {
    /** The push latencies of `published`, at every console; the consoles' CPU time since the last call. */
    async collect(published: Array<[string, number]>): Promise<Push & { cpuMs: number }> {
      const ask: Collect = { type: 'collect', published };
      child.send(ask);
      const r = await once<Latencies>(child, 'latencies');
      const spent = r.cpuMs - cpuMs;
      cpuMs = r.cpuMs;
      return { ...latency(r.latencies), notices: published.length, missing: r.missing, cpuMs: spent };
    },
    close: () => stopServer(child),
  };
}

type Push = Latency & { notices: number; missing: number };

/** The notices the server published since the last call (id, time), and its CPU time so far. */
async function drain(server: ChildProcess): Promise<PublishedTimes> {
  server.send('published');
  return once<PublishedTimes>(server, 'published');
}

interface Phase {
  name: 'calm' | 'busy' | 'autocannon' | 'quiet';
  kind: Kind;
  consoles: number;
  load: string;
  loadAverage: { before: [number, number, number]; after: [number, number, number] };
  commands: OpenLoopResult | AutocannonResult;
  push: Push | null;
  /** The server's CPU time per command in this phase (µs): less sensitive to other work than latency. */
  serverCpuPerCommandMicros: number;
  /** Share of one core each process used over the phase (%): the server, the consoles, the load. */
  cpuPercent: { server: number; consoles: number | null; load: number };
  /** The server's event-loop delay over the phase (ms): how long a ready callback waited to run. */
  serverLoopDelayMs: PublishedTimes['loopDelayMs'];
  /** The server's garbage-collection pauses over the phase. */
  serverGc: PublishedTimes['gc'];
}

interface AutocannonResult {
  rate: number;
  seconds: number;
  connections: number;
  sent: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  /** autocannon's histogram: whole milliseconds. */
  latencyMs: Latency;
  statuses: Record<string, number>;
  firstError: string | null;
}

async function autocannonAtRate(ready: ServerReady, pool: IncidentPool): Promise<AutocannonResult> {
  const r = await postEvents(ready, pool, { seconds: SECONDS, connections: CONNECTIONS, overallRate: RATE });
  const l = r.result.latency;
  return {
    rate: RATE,
    seconds: SECONDS,
    connections: CONNECTIONS,
    sent: r.result.requests.total,
    ok2xx: r.result['2xx'],
    non2xx: r.result.non2xx,
    errors: r.result.errors + r.result.timeouts,
    latencyMs: {
      samples: (l as typeof l & { totalCount: number }).totalCount,
      p50: l.p50,
      p90: l.p90,
      p99: l.p99,
      max: l.max,
      mean: l.average,
    },
    statuses: r.statuses,
    firstError: r.firstError ?? null,
  };
}

/** Every phase against one server (`kind`), on a fresh database. */
async function measure(kind: Kind): Promise<Phase[]> {
  const dir = mkdtempSync(join(tmpdir(), `mh-bench-live-${kind}-`));
  const { child: server, ready } = await startServer(kind, 'FULL', join(dir, 'bench.sqlite'), {
    incidents: INCIDENTS,
    env: { BENCH_RECORD_PUBLISH: '1', BENCH_BASELINE_COMMIT: 'group' },
  });
  const pool = new IncidentPool(ready.incidents);
  const phases: Phase[] = [];
  const phase = async (
    name: Phase['name'],
    load: string,
    consoles: Awaited<ReturnType<typeof openConsoles>> | null,
    run: () => Promise<Phase['commands']>,
  ) => {
    log(`  ${kind} ${name}: ${load}, ${consoles ? CONSOLES : 0} consoles`);
    const before = loadAverage();
    const start = await drain(server); // nothing is published between phases: this reads the CPU time
    const loadCpu = process.cpuUsage();
    const t0 = performance.now();
    const commands = await run();
    const wallMs = performance.now() - t0;
    const loadSpent = process.cpuUsage(loadCpu);
    const end = await drain(server);
    let push: Push | null = null;
    let consolesCpuMs: number | null = null;
    if (consoles) {
      const { cpuMs, ...latencies } = await consoles.collect(end.times);
      push = latencies;
      consolesCpuMs = cpuMs;
    }
    const share = (cpuMs: number) => Math.round((100 * cpuMs) / wallMs);
    const p: Phase = {
      name,
      kind,
      consoles: consoles ? CONSOLES : 0,
      load,
      commands,
      push,
      serverCpuPerCommandMicros: Math.round(((end.cpuMs - start.cpuMs) * 1000) / Math.max(1, commands.ok2xx)),
      cpuPercent: {
        server: share(end.cpuMs - start.cpuMs),
        consoles: consolesCpuMs === null ? null : share(consolesCpuMs),
        load: share((loadSpent.user + loadSpent.system) / 1000),
      },
      serverLoopDelayMs: end.loopDelayMs,
      serverGc: end.gc,
      loadAverage: { before, after: loadAverage() },
    };
    const lag = 'sendLagMs' in commands ? `, sent late by ≤ ${commands.sendLagMs.p99} ms at p99` : '';
    log(
      `    commands p50 ${commands.latencyMs.p50} p99 ${commands.latencyMs.p99} ms (${commands.ok2xx} 2xx, ` +
        `${commands.non2xx} non-2xx, ${commands.errors} errors${lag}), server CPU ` +
        `${p.serverCpuPerCommandMicros} µs/command; CPU % of a core: server ${p.cpuPercent.server}, consoles ` +
        `${p.cpuPercent.consoles ?? '—'}, load ${p.cpuPercent.load}; server loop delay p99 ` +
        `${p.serverLoopDelayMs.p99} max ${p.serverLoopDelayMs.max} ms, GC ${p.serverGc.count} pauses, ` +
        `${p.serverGc.totalMs} ms, longest ${p.serverGc.maxMs} ms` +
        (push ? `; push p50 ${push.p50} p99 ${push.p99} ms (${push.samples} samples, ${push.missing} missing)` : '') +
        `; load ${before[0]} → ${p.loadAverage.after[0]}`,
    );
    phases.push(p);
  };
  try {
    const consoles = await openConsoles(ready);
    log(`  ${kind}: warm-up, ${WARMUP} s at ${RATE}/s (discarded)`);
    await openLoopEvents(ready, pool, { seconds: WARMUP, rate: RATE });
    await consoles.collect((await drain(server)).times);
    pool.takeOutcome();

    await phase('calm', `open loop ${PUSH_RATE}/s`, consoles, () =>
      openLoopEvents(ready, pool, { seconds: SECONDS, rate: PUSH_RATE }),
    );
    await phase('busy', `open loop ${RATE}/s`, consoles, () =>
      openLoopEvents(ready, pool, { seconds: SECONDS, rate: RATE }),
    );
    if (kind === 'system') {
      await phase('autocannon', `autocannon overallRate ${RATE}/s, ${CONNECTIONS} connections`, consoles, () =>
        autocannonAtRate(ready, pool),
      );
    }
    await consoles.close();
    if (kind === 'system') {
      await sleep(500); // the server drops the closed streams
      await phase('quiet', `open loop ${RATE}/s`, null, () =>
        openLoopEvents(ready, pool, { seconds: SECONDS, rate: RATE }),
      );
    }
    return phases;
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The disk's part: one small INSERT committed at synchronous=FULL in WAL mode (one fsync), 400 times,
 * 5 ms apart, on the same file system. No command answers before its commit is on disk, so this is a
 * floor under every command's latency here.
 */
async function commitFloor(): Promise<Latency> {
  const dir = mkdtempSync(join(tmpdir(), 'mh-bench-fsync-'));
  const db = new Database(join(dir, 'floor.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    const times: number[] = [];
    for (let i = 0; i < 400; i++) {
      const t = performance.now();
      insert.run('caller rang back: neighbour seen at the window, appeared confused');
      times.push(performance.now() - t);
      await sleep(5);
    }
    return latency(times);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(1));
const verdict = (value: number, target: number) => (value < target ? 'met' : '**MISSED**');

function table(system: Phase[], baseline: Phase[]) {
  const find = (ps: Phase[], name: Phase['name']) => ps.find((p) => p.name === name);
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(1)}×` : '—';
  const push = system.flatMap((p) => {
    if (!p.push) return [];
    const b = find(baseline, p.name)?.push;
    const target =
      p.name === 'autocannon' ? '' : `< ${TARGET_PUSH_P99_MS} ms: ${verdict(p.push.p99, TARGET_PUSH_P99_MS)}`;
    return [
      `| push: commit → each of ${p.consoles} consoles | ${p.load} | ${p.push.samples} | ${ms(p.push.p50)} | ` +
        `${ms(p.push.p99)} | ${ms(p.push.max)} | ${ms(b?.p99)} | ${ratio(p.push.p99, b?.p99)} | — | ${target} |`,
    ];
  });
  const commands = system.map((p) => {
    const b = find(baseline, p.name);
    const c = p.commands.latencyMs;
    const target = p.name === 'busy' ? `< ${TARGET_COMMAND_P99_MS} ms: ${verdict(c.p99, TARGET_COMMAND_P99_MS)}` : '';
    return (
      `| command: POST …/events, ${p.consoles} consoles | ${p.load} | ${c.samples} | ${ms(c.p50)} | ${ms(c.p99)} | ` +
      `${ms(c.max)} | ${ms(b?.commands.latencyMs.p99)} | ${ratio(c.p99, b?.commands.latencyMs.p99)} | ` +
      `${p.serverCpuPerCommandMicros.toLocaleString('en-GB')} | ${target} |`
    );
  });
  return [
    '| what | load | samples | p50 ms | p99 ms | max ms | baseline p99 ms | p99 vs baseline ' +
      '| server CPU µs per command | p99 target |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...push,
    ...commands,
  ].join('\n');
}

async function main() {
  const machine = describeMachine();
  const command = benchCommand('live');
  const loadAtStart = await waitForQuiet(log);
  const started = new Date();
  log(
    `bench live: ${CONSOLES} consoles; open loop ${PUSH_RATE}/s and ${RATE}/s, ${SECONDS} s per phase after ` +
      `${WARMUP} s warm-up; ${machine.nproc} cores (${machine.cpuModel}), node ${machine.node}, load ` +
      `${loadAtStart.join(' ')}`,
  );
  const commit = await commitFloor();
  log(`  one commit at synchronous=FULL (the disk): p50 ${commit.p50} ms, p99 ${commit.p99} ms, max ${commit.max} ms`);
  const system = await measure('system');
  const baseline = BASELINE ? await measure('baseline') : [];
  const loadAtEnd = loadAverage();
  const all = [...system, ...baseline];
  const problems = [
    ...all.flatMap((p) =>
      p.push && p.push.missing > 0 ? [`${p.kind} ${p.name}: ${p.push.missing} notices missing`] : [],
    ),
    ...all.flatMap((p) =>
      p.commands.non2xx + p.commands.errors > 0
        ? [`${p.kind} ${p.name}: ${p.commands.non2xx} non-2xx, ${p.commands.errors} errors (${p.commands.firstError})`]
        : [],
    ),
  ];
  const busy = system.find((p) => p.name === 'busy')!;
  const markdown = table(system, baseline);
  const result = {
    generatedAt: started.toISOString(),
    command,
    machine,
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    settings: {
      consoles: CONSOLES,
      rate: RATE,
      pushRate: PUSH_RATE,
      seconds: SECONDS,
      warmupSeconds: WARMUP,
      autocannonConnections: CONNECTIONS,
      incidents: INCIDENTS,
      synchronous: 'FULL',
      commit: 'group commit (as src/server.ts)',
    },
    targets: { pushP99Ms: TARGET_PUSH_P99_MS, commandP99Ms: TARGET_COMMAND_P99_MS },
    verdict: {
      pushP99Ms: busy.push!.p99,
      pushMet: busy.push!.p99 < TARGET_PUSH_P99_MS,
      commandP99Ms: busy.commands.latencyMs.p99,
      commandMet: busy.commands.latencyMs.p99 < TARGET_COMMAND_P99_MS,
      valid: problems.length === 0,
      problems,
    },
    commitAtFullMs: commit,
    phases: all,
    markdown,
    elapsedSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  };
  log(
    [
      '',
      '## Live feed and command latency (`BENCH_SUITE=live`)',
      '',
      `${started.toISOString()}; \`${command}\`; ${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}; ` +
        `load average ${loadAtStart.join(' / ')} at the start, ${loadAtEnd.join(' / ')} at the end. ` +
        `${CONSOLES} consoles; ${SECONDS} s per phase after ${WARMUP} s warm-up; synchronous=FULL, group commit.`,
      '',
      markdown,
      '',
      `One INSERT committed at synchronous=FULL on the same disk (400, 5 ms apart): p50 ${ms(commit.p50)} ms, ` +
        `p99 ${ms(commit.p99)} ms, max ${ms(commit.max)} ms.`,
      '',
      ...(problems.length ? [`WARNING: ${problems.join('; ')}: the numbers are not valid.`, ''] : []),
    ].join('\n'),
  );
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'live.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote bench-results/live.json (${result.elapsedSeconds} s)`);
}

main().catch((e: Error) => {
  log(`bench live failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
