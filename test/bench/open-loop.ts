/**
 * An open-loop load: NEW_INFORMATION events posted on a fixed schedule, one every 1000 / rate ms,
 * whether or not earlier ones have been answered — how calls reach a control room. autocannon's
 * fixed rate is not that (each connection sends its share of a second back to back, then waits:
 * server-control.ts), so the latency target is measured with this, and autocannon's figure is
 * reported beside it.
 *
 * Each request's latency runs from the moment it was due, not from when it left: if this process or
 * its timer is late, that counts against the figure rather than being hidden (no coordinated
 * omission). How late sends were is reported too. Keep-alive connections are opened as needed, so a
 * request never waits for a free connection.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IncidentPool } from './server-control.js';
import { newInformation } from './server-control.js';
import type { ServerReady } from './server.js';
import { type Latency, latency } from './stats.js';

export interface OpenLoopResult {
  rate: number;
  seconds: number;
  sent: number;
  answered: number;
  ok2xx: number;
  non2xx: number;
  /** Connection errors, and requests not sent because every incident was in flight. */
  errors: number;
  /** Due → answer complete (ms). */
  latencyMs: Latency;
  /** Due → handed to the socket (ms): this process's own lateness, included in latencyMs. */
  sendLagMs: Latency;
  statuses: Record<string, number>;
  firstError: string | null;
}

export async function openLoopEvents(
  ready: ServerReady,
  pool: IncidentPool,
  o: { seconds: number; rate: number },
): Promise<OpenLoopResult> {
  // An idle connection is closed after 2 s, before the server's keep-alive timeout (5 s) can close
  // it under a request about to be sent on it (a reset that would be the client's doing).
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, timeout: 2000 });
  const total = Math.round(o.seconds * o.rate);
  const interval = 1000 / o.rate;
  const latencies: number[] = [];
  const lags: number[] = [];
  let ok2xx = 0;
  let non2xx = 0;
  let errors = 0;
  let answered = 0;
  let firstError: string | null = null;

  const send = (due: number) => {
    lags.push(performance.now() - due);
    const inc = pool.checkout();
    if (!inc) {
      errors++;
      firstError ??= 'incident pool exhausted (every incident in flight)';
      answered++;
      return;
    }
    const r = newInformation(ready, inc);
    const req = request(
      { agent, host: '127.0.0.1', port: ready.port, method: 'POST', path: r.path, headers: r.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          latencies.push(performance.now() - due);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) ok2xx++;
          else non2xx++;
          const etag = res.headers.etag;
          pool.checkin(inc, status, body, typeof etag === 'string' ? etag : undefined);
          answered++;
        });
      },
    );
    req.on('error', (e) => {
      errors++;
      firstError ??= e.message;
      answered++;
    });
    req.end(r.body);
  };

  const start = performance.now() + 20;
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * interval <= now) send(start + next++ * interval);
    if (next < total) await sleep(Math.max(0, start + next * interval - performance.now()));
  }
  // Every answer, within a bound (a request not answered in 30 s counts as an error).
  for (let waited = 0; answered < total && waited < 30_000; waited += 10) await sleep(10);
  errors += total - answered;
  agent.destroy();
  const outcome = pool.takeOutcome();
  return {
    rate: o.rate,
    seconds: o.seconds,
    sent: total,
    answered,
    ok2xx,
    non2xx,
    errors,
    latencyMs: latency(latencies),
    sendLagMs: latency(lags),
    statuses: outcome.statuses,
    firstError: firstError ?? outcome.firstError ?? null,
  };
}
