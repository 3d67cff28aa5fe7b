/**
 * `npm run bench` (BENCH_SUITE=live): the live change feed and the command path at a fixed rate. A
 * report, not a test: it prints a Markdown table and writes bench-results/live.json.
 *
 * The real app (test/bench/server.ts, synchronous=FULL, group commit) runs in its own process; this
 * process holds the consoles — 50 SSE connections to GET /api/stream over real HTTP — and drives
 * POST /api/incidents/:id/events with autocannon at a fixed overall rate (an open-loop load: requests
 * go out on a schedule, whether or not earlier ones have been answered).
 *
 *  1. Push latency: commands at a calm 20/s; for every notice and every console, the time from its
 *     publication on the server (right after its COMMIT) to its arrival at the console.
 *  2. Command latency at 200 requests/s with the 50 consoles connected (and the push latency then).
 *  3. The same load with no console connected, to show what the feed costs.
 * Times are compared across the two processes with performance.timeOrigin + performance.now().
 *
 * Knobs: BENCH_CONSOLES=50 BENCH_RATE=200 BENCH_PUSH_RATE=20 BENCH_LIVE_SECONDS=20 BENCH_LIVE_CONNECTIONS=20
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { log, once, OUT_DIR, percentile, postEvents, startServer, stopServer } from './server-control.js';
import type { PublishedTimes, ServerReady } from './server.js';

const env = process.env;
const CONSOLES = Number(env.BENCH_CONSOLES ?? 50);
const RATE = Number(env.BENCH_RATE ?? 200);
const PUSH_RATE = Number(env.BENCH_PUSH_RATE ?? 20);
const SECONDS = Number(env.BENCH_LIVE_SECONDS ?? 20);
const CONNECTIONS = Number(env.BENCH_LIVE_CONNECTIONS ?? 20);
const TARGET_PUSH_P99_MS = 250;
const TARGET_COMMAND_P99_MS = 10;

const wallMs = () => performance.timeOrigin + performance.now();

/** One console: an SSE connection that notes when each notice (by id) arrived. */
interface Console {
  received: Map<string, number>;
  close(): void;
}

async function openConsole(ready: ServerReady): Promise<Console> {
  const abort = new AbortController();
  const res = await fetch(`http://127.0.0.1:${ready.port}/api/stream`, {
    headers: { authorization: `Bearer ${ready.token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`GET /api/stream answered ${res.status}`);
  const received = new Map<string, number>();
  let connected!: () => void;
  const isConnected = new Promise<void>((r) => {
    connected = r;
  });
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const at = wallMs();
        buffer += value;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.includes(': connected')) connected();
          const id = /^id: (.+)$/m.exec(block)?.[1];
          if (id) received.set(id, at);
          cut = buffer.indexOf('\n\n');
        }
      }
    } catch {
      /* closed */
    }
  })();
  await isConnected;
  return { received, close: () => abort.abort() };
}

/** Notices published since the last call, with their publication times (drains the server's record). */
async function publishedTimes(child: Parameters<typeof once>[0]): Promise<Map<string, number>> {
  child.send('published');
  return new Map((await once<PublishedTimes>(child, 'published')).times);
}

/** Wait (bounded) until every console has every notice in `published`; then the latencies, and what never came. */
async function pushLatencies(consoles: Console[], published: Map<string, number>) {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (consoles.every((c) => [...published.keys()].every((id) => c.received.has(id)))) break;
    await sleep(50);
  }
  const latencies: number[] = [];
  let missing = 0;
  for (const c of consoles) {
    for (const [id, at] of published) {
      const got = c.received.get(id);
      if (got === undefined) missing++;
      else latencies.push(got - at);
    }
    c.received.clear();
  }
  return { latencies, missing, notices: published.size };
}

const round = (n: number) => Math.round(n * 10) / 10;
const stats = (xs: number[]) => ({
  samples: xs.length,
  p50: round(percentile(xs, 50)),
  p99: round(percentile(xs, 99)),
  max: round(Math.max(...xs)),
});

async function main() {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1e9),
    node: process.version,
  };
  log(
    `bench live: ${CONSOLES} consoles, pushes at ${PUSH_RATE}/s, commands at ${RATE}/s, ${SECONDS} s each, ` +
      `${machine.cpus} cores`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'mh-bench-live-'));
  const { child, ready } = await startServer('system', 'FULL', join(dir, 'bench.sqlite'), {
    incidents: Math.max(200, 2 * CONNECTIONS),
    env: { BENCH_RECORD_PUBLISH: '1' },
  });
  try {
    const pool = ready.incidents;
    // Warm-up (JIT, caches), then forget what it published.
    await postEvents(ready, pool, { seconds: 3, connections: CONNECTIONS, overallRate: RATE });
    const consoles = await Promise.all(Array.from({ length: CONSOLES }, () => openConsole(ready)));
    await publishedTimes(child);
    for (const c of consoles) c.received.clear();

    log('  1. push latency at a calm rate');
    const calmLoad = await postEvents(ready, pool, { seconds: SECONDS, connections: 5, overallRate: PUSH_RATE });
    const calm = await pushLatencies(consoles, await publishedTimes(child));

    log(`  2. commands at ${RATE}/s with ${CONSOLES} consoles connected`);
    const loadAverage = Number(loadavg()[0]!.toFixed(2));
    const busyLoad = await postEvents(ready, pool, { seconds: SECONDS, connections: CONNECTIONS, overallRate: RATE });
    const busy = await pushLatencies(consoles, await publishedTimes(child));
    for (const c of consoles) c.close();

    log(`  3. commands at ${RATE}/s with no console connected`);
    await sleep(500); // the server drops the closed streams
    const quietLoad = await postEvents(ready, pool, { seconds: SECONDS, connections: CONNECTIONS, overallRate: RATE });
    await publishedTimes(child);

    const command = (r: Awaited<ReturnType<typeof postEvents>>) => ({
      requests: r.result.requests.total,
      requestsPerSec: round(r.result.requests.average),
      p50: r.result.latency.p50,
      p99: r.result.latency.p99,
      max: r.result.latency.max,
      non2xx: r.result.non2xx,
      errors: r.result.errors,
      firstError: r.firstError ?? null,
    });
    const result = {
      generatedAt: new Date().toISOString(),
      command: 'npm run bench (BENCH_SUITE=live)',
      machine,
      settings: { consoles: CONSOLES, rate: RATE, pushRate: PUSH_RATE, seconds: SECONDS, connections: CONNECTIONS },
      loadAverageAtStart: loadAverage,
      push: {
        calm: { ...stats(calm.latencies), notices: calm.notices, missing: calm.missing },
        underLoad: { ...stats(busy.latencies), notices: busy.notices, missing: busy.missing },
      },
      commands: { calm: command(calmLoad), withConsoles: command(busyLoad), withoutConsoles: command(quietLoad) },
      targets: { pushP99Ms: TARGET_PUSH_P99_MS, commandP99Ms: TARGET_COMMAND_P99_MS },
    };
    const verdict = (value: number, target: number) => (value < target ? 'met' : 'MISSED');
    const p = result.push;
    const c = result.commands;
    const table = [
      '| what | samples | p50 ms | p99 ms | max ms | target |',
      '|---|---:|---:|---:|---:|---|',
      `| push: commit → each of ${CONSOLES} consoles, commands at ${PUSH_RATE}/s | ` +
        `${p.calm.samples} | ${p.calm.p50} | ${p.calm.p99} | ${p.calm.max} | ` +
        `p99 < ${TARGET_PUSH_P99_MS} ms: ${verdict(p.calm.p99, TARGET_PUSH_P99_MS)} |`,
      `| push: the same, commands at ${RATE}/s | ${p.underLoad.samples} | ${p.underLoad.p50} | ${p.underLoad.p99} | ` +
        `${p.underLoad.max} | p99 < ${TARGET_PUSH_P99_MS} ms: ${verdict(p.underLoad.p99, TARGET_PUSH_P99_MS)} |`,
      `| command: POST …/events at ${RATE}/s, ${CONSOLES} consoles connected | ${c.withConsoles.requests} | ` +
        `${c.withConsoles.p50} | ${c.withConsoles.p99} | ${c.withConsoles.max} | p99 < ${TARGET_COMMAND_P99_MS} ms: ` +
        `${verdict(c.withConsoles.p99, TARGET_COMMAND_P99_MS)} |`,
      `| command: the same, no console connected | ${c.withoutConsoles.requests} | ${c.withoutConsoles.p50} | ` +
        `${c.withoutConsoles.p99} | ${c.withoutConsoles.max} | p99 < ${TARGET_COMMAND_P99_MS} ms: ` +
        `${verdict(c.withoutConsoles.p99, TARGET_COMMAND_P99_MS)} |`,
    ].join('\n');
    const problems = [
      p.calm.missing + p.underLoad.missing > 0 ? `${p.calm.missing + p.underLoad.missing} notices never arrived` : '',
      c.calm.non2xx + c.withConsoles.non2xx + c.withoutConsoles.non2xx > 0
        ? `non-2xx answers (first: ${c.withConsoles.firstError ?? c.withoutConsoles.firstError ?? c.calm.firstError})`
        : '',
    ].filter(Boolean);
    process.stdout.write(
      [
        '',
        '## Live feed and command latency (`BENCH_SUITE=live`)',
        '',
        `${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}; synchronous=FULL, group commit; ` +
          `autocannon at a fixed overall rate (${CONNECTIONS} connections); ${SECONDS} s per phase; load average ` +
          `${loadAverage} at the start.`,
        '',
        table,
        '',
        ...(problems.length ? [`WARNING: ${problems.join('; ')}: the numbers are not valid.`, ''] : []),
      ].join('\n'),
    );
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'live.json'), `${JSON.stringify({ ...result, markdown: table }, null, 2)}\n`);
    log('wrote bench-results/live.json');
  } finally {
    await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  log(`bench live failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
