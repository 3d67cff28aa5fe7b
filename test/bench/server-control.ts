/**
 * What the benchmarks share to drive a bench server (test/bench/server.ts) in its own child process:
 * start it and wait until it is ready, ask it something over IPC, stop it; and post NEW_INFORMATION
 * events at it with autocannon (closed loop, or at a fixed overall rate for an open-loop load).
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

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-th percentile (0–100) of `xs`, nearest rank. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
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

export interface LoadOptions {
  seconds: number;
  connections: number;
  /** Requests per second over all connections (an open-loop load); absent: as fast as answers come. */
  overallRate?: number;
}

/** One autocannon run; each request checks an incident out of the pool and returns it on answer. */
export async function postEvents(ready: ServerReady, pool: Array<{ id: string; version: number }>, o: LoadOptions) {
  const free = [...pool.map((p) => ({ ...p }))];
  const statuses: Record<string, number> = {};
  let firstError: string | undefined;
  // occurredAt: after receivedAt (10 min ago), not in the future (tolerance 120 s).
  const body = JSON.stringify({
    type: 'NEW_INFORMATION',
    occurredAt: new Date(Date.now() - 30_000).toISOString(),
    summary: 'caller rang back: neighbour seen at the window, appeared confused',
    source: 'caller',
  });
  const authorization = `Bearer ${ready.token}`;
  type Ctx = { inc?: { id: string; version: number } };

  const result = await autocannon({
    url: `http://127.0.0.1:${ready.port}`,
    connections: o.connections,
    pipelining: 1,
    duration: o.seconds,
    ...(o.overallRate ? { overallRate: o.overallRate } : {}),
    // autocannon resets the per-connection context after every request when there is one request
    // in the list, so the incident a connection holds lives in a checkout pool instead: while a
    // request is in flight no other connection can use its incident, so If-Match never goes stale.
    requests: [
      {
        method: 'POST',
        setupRequest: (req: any, context: Ctx) => {
          const inc = free.shift();
          if (!inc) throw new Error('incident pool exhausted');
          context.inc = inc;
          return {
            ...req,
            method: 'POST',
            path: `/api/incidents/${inc.id}/events`,
            headers: { 'content-type': 'application/json', authorization, 'if-match': `"${inc.version}"` },
            body,
          };
        },
        onResponse: (status: number, resBody: string, context: Ctx, headers: Record<string, string>) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          const inc = context.inc!;
          if (status >= 200 && status < 300) {
            const etag = headers.etag ?? headers.ETag;
            inc.version = etag ? Number(etag.replace(/"/g, '')) : inc.version + 1;
          } else {
            firstError ??= `${status} ${resBody.slice(0, 300)}`;
            try {
              const v = (JSON.parse(resBody) as { currentVersion?: number }).currentVersion;
              if (typeof v === 'number') inc.version = v;
            } catch {
              /* not JSON */
            }
          }
          free.push(inc);
        },
      },
    ] as any,
  });
  return { result, statuses, firstError };
}
