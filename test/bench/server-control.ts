/**
 * What the benchmarks share to drive a bench server (test/bench/server.ts) in its own child process:
 * start it and wait until it is ready, ask it something over IPC, stop it; and post NEW_INFORMATION
 * events at it with autocannon (closed loop, or autocannon's fixed overall rate). The incidents the
 * events go to are an IncidentPool, also used by the open-loop load (test/bench/open-loop.ts).
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerReady } from './server.js';

export type Kind = 'baseline' | 'system';
export type Sync = 'FULL' | 'NORMAL';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '../..');
export const OUT_DIR = join(ROOT, 'bench-results');

export function log(line: string) {
  process.stderr.write(`${line}\n`);
}

/** The next IPC message of `type` from the child (rejects if it exits first). */
export function once<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((res, rej) => {
    const onMessage = (m: { type?: string }) => {
      if (m && m.type === type) {
        cleanup();
        res(m as T);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      rej(new Error(`bench server exited (${code}) before '${type}'`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export interface StartOptions {
  incidents: number;
  /** Write a V8 CPU profile of the child into bench-results/profiles/<label>. */
  profileLabel?: string;
  env?: Record<string, string>;
}

export async function startServer(kind: Kind, sync: Sync, dbPath: string, o: StartOptions) {
  const execArgv = ['--import', 'tsx'];
  if (o.profileLabel) {
    const dir = join(OUT_DIR, 'profiles');
    mkdirSync(dir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(dir, o.profileLabel)}`);
  }
  const child = fork(join(HERE, 'server.ts'), [kind, sync, dbPath, String(o.incidents)], {
    cwd: ROOT,
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, LOG_LEVEL: 'info', ...o.env },
  });
  const ready = await once<ServerReady>(child, 'ready');
  return { child, ready };
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * The incidents a load posts events to. A request checks one out and returns it on answer, so while
 * a request is in flight no other can use its incident and If-Match is never stale; the versions
 * carry over from one load to the next on the same server.
 */
export class IncidentPool {
  readonly #free: Array<{ id: string; version: number }>;
  readonly statuses: Record<string, number> = {};
  firstError: string | undefined;

  constructor(incidents: ReadonlyArray<{ id: string; version: number }>) {
    this.#free = incidents.map((p) => ({ ...p }));
  }

  checkout(): { id: string; version: number } | undefined {
    return this.#free.shift();
  }

  /** Return `inc` with the version its answer gives (ETag, or a refusal's currentVersion). */
  checkin(inc: { id: string; version: number }, status: number, body: string, etag: string | undefined) {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      inc.version = etag ? Number(etag.replace(/"/g, '')) : inc.version + 1;
    } else {
      this.firstError ??= `${status} ${body.slice(0, 300)}`;
      try {
        const v = (JSON.parse(body) as { currentVersion?: number }).currentVersion;
        if (typeof v === 'number') inc.version = v;
      } catch {
        /* not JSON */
      }
    }
    this.#free.push(inc);
  }

  /** What the loads since the last call answered (status → count, the first non-2xx); then forget it. */
  takeOutcome() {
    const outcome = { statuses: { ...this.statuses }, firstError: this.firstError };
    for (const k of Object.keys(this.statuses)) delete this.statuses[k];
    this.firstError = undefined;
    return outcome;
  }
}

/** POST /api/incidents/:id/events for `inc`: a NEW_INFORMATION event, as a call handler adds one. */
export function newInformation(ready: ServerReady, inc: { id: string; version: number }) {
  return {
    path: `/api/incidents/${inc.id}/events`,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${ready.token}`,
      'if-match': `"${inc.version}"`,
    },
    // occurredAt: after the incidents' receivedAt (10 min before the server started), not in the future.
    body: JSON.stringify({
      type: 'NEW_INFORMATION',
      occurredAt: new Date(Date.now() - 30_000).toISOString(),
      summary: 'caller rang back: neighbour seen at the window, appeared confused',
      source: 'caller',
    }),
  };
}

export interface LoadOptions {
  seconds: number;
  connections: number;
  /** Requests per second over all connections (an open-loop load); absent: as fast as answers come. */
  overallRate?: number;
}

/**
 * One autocannon run. With `overallRate`, autocannon gives each connection its share of the rate per
 * second: a connection sends its share back to back, each as soon as the previous is answered, then
 * waits for the next second (all connections start their seconds together). Its coordinated-omission
 * correction assumes requests are due every ceil(1 / share) ms, i.e. 1 ms, and adds made-up samples
 * from that: it is turned off, so the latencies are the measured ones.
 */
export async function postEvents(ready: ServerReady, pool: IncidentPool, o: LoadOptions) {
  type Ctx = { inc?: { id: string; version: number } };
  const result = await autocannon({
    url: `http://127.0.0.1:${ready.port}`,
    connections: o.connections,
    pipelining: 1,
    duration: o.seconds,
    ...(o.overallRate ? { overallRate: o.overallRate, ignoreCoordinatedOmission: true } : {}),
    // autocannon resets the per-connection context after every request when there is one request
    // in the list, so the incident a connection holds lives in the pool instead.
    requests: [
      {
        method: 'POST',
        setupRequest: (req: any, context: Ctx) => {
          const inc = pool.checkout();
          if (!inc) throw new Error('incident pool exhausted');
          context.inc = inc;
          return { ...req, method: 'POST', ...newInformation(ready, inc) };
        },
        onResponse: (status: number, resBody: string, context: Ctx, headers: Record<string, string>) => {
          pool.checkin(context.inc!, status, resBody, headers.etag ?? headers.ETag);
        },
      },
    ] as any,
  });
  return { result, ...pool.takeOutcome() };
}
