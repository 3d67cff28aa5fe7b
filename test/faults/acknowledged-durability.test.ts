/**
 * The promise the API makes: a 2xx means the change is on disk. The real server (group commit,
 * synchronous=FULL) takes concurrent writes from many clients, is killed with SIGKILL, and every
 * change it acknowledged must be in the database afterwards, with no partial command.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { issueToken } from '../../src/auth/tokens.js';
import { systemClock } from '../../src/clock.js';
import { replay, restoreAggregate, serializeAggregate } from '../../src/domain/incident-aggregate.js';
import { incidentStore } from '../../src/commands/incident-store.js';
import { startServer } from '../support/server-process.js';

describe('acknowledged means durable', () => {
  it('after SIGKILL, every change the server answered 2xx to is stored, and every stream is whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mh-ack-'));
    const dbPath = join(dir, 'triage.sqlite');
    try {
      const setup = openDatabase(dbPath);
      const token = issueToken(setup, systemClock, 'Load', 'call_handler').token;
      closeDatabase(setup);
      const server = startServer({ DATABASE_PATH: dbPath, PERSON_KEY_SECRET: 'ack-test-secret-0123456789' });
      const exited = new Promise<NodeJS.Signals | null>((r) => server.child.once('close', (_c, sig) => r(sig)));
      const base = `http://127.0.0.1:${await server.ready}`;

      const acked = new Map<string, number>(); // incident id → highest version acknowledged
      let acks = 0;
      let stop = false;
      // Resolved by the 400th acknowledgement itself (no polling).
      let reached400!: () => void;
      const fourHundred = new Promise<void>((resolve) => {
        reached400 = resolve;
      });
      const acknowledged = (id: string, version: number) => {
        acked.set(id, version);
        if (++acks === 400) reached400();
      };
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
            acknowledged(id, version);
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
              acknowledged(id, version);
            } catch {
              return;
            }
          }
        }
      };
      const clients = Array.from({ length: 24 }, client);
      const clientsDone = Promise.all(clients);
      await Promise.race([
        fourHundred,
        clientsDone.then(() => {
          throw new Error(`the clients stopped after ${acks} acknowledgements: ${server.output()}`);
        }),
      ]);
      server.child.kill('SIGKILL');
      stop = true;
      expect(await exited).toBe('SIGKILL');
      await clientsDone;

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
