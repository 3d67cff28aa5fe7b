/**
 * The promise the API makes: a 2xx means the change is on disk. The real server (group commit,
 * synchronous=FULL) takes concurrent writes from many clients, is killed with SIGKILL, and every
 * change it acknowledged must be in the database afterwards, with no partial command.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { issueToken } from '../../src/auth/tokens.js';
import { systemClock } from '../../src/clock.js';
import { replay, restoreAggregate, serializeAggregate } from '../../src/domain/incident-aggregate.js';
import { incidentStore } from '../../src/commands/incident-store.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

describe('acknowledged means durable', () => {
  it('after SIGKILL, every change the server answered 2xx to is stored, and every stream is whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mh-ack-'));
    const dbPath = join(dir, 'triage.sqlite');
    try {
      const setup = openDatabase(dbPath);
      const token = issueToken(setup, systemClock, 'Load', 'call_handler').token;
      closeDatabase(setup);
      const port = await freePort();
      const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        env: {
          ...process.env,
          DATABASE_PATH: dbPath,
          PORT: String(port),
          PERSON_KEY_SECRET: 'ack-test-secret-0123456789',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      server.stdout!.on('data', (d) => (out += d));
      server.stderr!.on('data', (d) => (out += d));
      const exited = new Promise<NodeJS.Signals | null>((r) => server.once('exit', (_c, sig) => r(sig)));
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 200; i++) {
        try {
          if ((await fetch(`${base}/healthz`)).ok) break;
        } catch {
          /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 50)); // waiting for a child process to listen, not for test time
      }

      const acked = new Map<string, number>(); // incident id → highest version acknowledged
      let acks = 0;
      let stop = false;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const client = async () => {
        while (!stop) {
          let id: string;
          let version: number;
          try {
            const r = await fetch(`${base}/api/incidents`, {
              method: 'POST',
              headers,
              body: JSON.stringify({
                receivedAt: new Date(Date.now() - 60_000).toISOString(),
                channel: '999',
                category: 'mhCrisisInPublic',
                mhFlagAtCall: true,
              }),
            });
            if (r.status !== 201) return;
            const body = (await r.json()) as { id: string; version: number };
            id = body.id;
            version = body.version;
            acked.set(id, version);
            acks++;
          } catch {
            return; // server gone
          }
          for (let k = 0; k < 5 && !stop; k++) {
            try {
              const r = await fetch(`${base}/api/incidents/${id}/events`, {
                method: 'POST',
                headers: { ...headers, 'if-match': `"${version}"` },
                body: JSON.stringify({
                  type: 'NEW_INFORMATION',
                  occurredAt: new Date().toISOString(),
                  summary: `update ${k}`,
                  source: 'caller',
                }),
              });
              if (r.status !== 200) return;
              version = ((await r.json()) as { version: number }).version;
              acked.set(id, version);
              acks++;
            } catch {
              return;
            }
          }
        }
      };
      const clients = Array.from({ length: 24 }, client);
      while (acks < 400) await new Promise((r) => setTimeout(r, 10));
      server.kill('SIGKILL');
      stop = true;
      expect(await exited).toBe('SIGKILL');
      await Promise.all(clients);

      const db = openDatabase(dbPath);
      try {
        expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
        const store = incidentStore(db);
        for (const [id, version] of acked) {
          const row = store.load(id);
          expect(row, `acknowledged incident ${id} is missing`).not.toBeNull();
          expect(row!.version, `incident ${id} acknowledged at version ${version}`).toBeGreaterThanOrEqual(version);
        }
        const ids = db.$client.prepare('SELECT id, version, snapshot FROM incidents').all() as Array<{
          id: string;
          version: number;
          snapshot: string;
        }>;
        for (const r of ids) {
          const events = store.events(r.id);
          expect(events.length).toBe(r.version);
          expect(serializeAggregate(replay(events))).toBe(serializeAggregate(restoreAggregate(r.snapshot)));
        }
        expect(acked.size).toBeGreaterThan(20);
      } finally {
        closeDatabase(db);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
