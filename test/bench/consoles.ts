/**
 * Child process for the live-feed benchmark (test/bench/live.ts): the consoles. It opens <count>
 * connections to GET /api/stream and notes, on the machine's monotonic clock (machine.ts), when each
 * notice (by its id) arrived at each console: when the chunk holding the end of its frame was read.
 * It runs apart from the process that sends the load, so sending requests never delays reading.
 *
 *   node --import tsx test/bench/consoles.ts <port> <token> <count>
 *
 * IPC: sends { type: 'connected' } once every console has its stream; on { type: 'collect',
 * published } (notice id → publication time) waits, at most 10 s, until every console has every one
 * of those notices, answers { type: 'latencies', latencies, missing, cpuMs } and forgets what it
 * received.
 */
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicMs } from './machine.js';

export interface Collect {
  type: 'collect';
  published: Array<[string, number]>;
}
export interface Latencies {
  type: 'latencies';
  /** Publication → arrival (ms), one per notice per console. */
  latencies: number[];
  /** Notice × console pairs that never arrived. */
  missing: number;
  /** This process's CPU time so far (user + system, ms). */
  cpuMs: number;
}

const [port, token, countText] = process.argv.slice(2) as [string, string, string];
const count = Number(countText);

/** One console's stream: resolves once the server says the subscription is live. */
function connect(received: Map<string, number>): Promise<void> {
  return new Promise((connected, failed) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(port),
        path: '/api/stream',
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        agent: false,
      },
      (res) => {
        if (res.statusCode !== 200) {
          failed(new Error(`GET /api/stream answered ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          const at = monotonicMs();
          buffer += chunk;
          for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            if (frame.includes(': connected')) connected();
            const id = /^id: (.+)$/m.exec(frame)?.[1];
            if (id) received.set(id, at);
          }
        });
      },
    );
    req.on('error', failed);
    req.end();
  });
}

const consoles = Array.from({ length: count }, () => new Map<string, number>());
await Promise.all(consoles.map(connect));
process.send!({ type: 'connected' });

process.on('message', async (m: Collect) => {
  if (m?.type !== 'collect') return;
  const has = (c: Map<string, number>) => m.published.every(([id]) => c.has(id));
  for (let waited = 0; waited < 10_000 && !consoles.every(has); waited += 50) await sleep(50);
  const latencies: number[] = [];
  let missing = 0;
  for (const c of consoles) {
    for (const [id, at] of m.published) {
      const got = c.get(id);
      if (got === undefined) missing++;
      else latencies.push(got - at);
    }
    c.clear();
  }
  const cpu = process.cpuUsage();
  const answer: Latencies = { type: 'latencies', latencies, missing, cpuMs: (cpu.user + cpu.system) / 1000 };
  process.send!(answer);
});
process.on('disconnect', () => process.exit(0));
