/**
 * Group commit (src/commands/unit-of-work.ts): commands arriving together share one transaction
 * and one fsync, yet each stays atomic, and nothing is acknowledged before it is durable.
 */
import { ROLES } from '../../machines/kit.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createIncident as createIncidentCommand } from '../../src/commands/create-incident.js';
import { createHarness, type Harness } from '../support/harness.js';
import { createBody, createIncident, gradedIncident, thrive } from '../support/flows.js';

let h: Harness;
afterEach(() => h.close());

describe('group commit', () => {
  it('concurrent commands share one commit, and a refused one in the middle leaves the others stored', async () => {
    h = createHarness();
    const ids = await Promise.all([0, 1, 2, 3].map(() => createIncident(h)));
    // Four requests in the same turn of the event loop: three valid, one refused (R1: no THRIVE yet).
    const results = await Promise.all([
      h.event(ids[0]!, thrive(), { version: 1 }),
      h.event(ids[1]!, { type: 'GRADE_SET', grade: 'G1' }, { version: 1 }),
      h.event(ids[2]!, thrive(), { version: 1 }),
      h.event(ids[3]!, thrive(), { version: 1 }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 422, 200, 200]);
    const versions = h.db.$client.prepare('SELECT id, version FROM incidents').all() as Array<{
      id: string;
      version: number;
    }>;
    const byId = Object.fromEntries(versions.map((v) => [v.id, v.version]));
    expect([byId[ids[0]!], byId[ids[1]!], byId[ids[2]!], byId[ids[3]!]]).toEqual([2, 1, 2, 2]);
    expect(h.count('incident_events')).toBe(7);
  });

  it('batches really are shared: N concurrent creates commit in fewer transactions than N', async () => {
    h = createHarness();
    // data_version changes when another connection commits; count commits on a second connection.
    const Database = (await import('better-sqlite3')).default;
    const watcher = new Database(h.dbPath, { readonly: true });
    const seen = () => watcher.prepare('PRAGMA data_version').pluck().get() as number;
    const before = seen();
    await Promise.all(Array.from({ length: 40 }, () => h.request('POST', '/api/incidents', { body: createBody(h) })));
    const commits = seen() - before;
    watcher.close();
    expect(h.count('incidents')).toBe(40);
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThan(40);
  });

  it('when the commit fails, every command in the batch answers 503 and none of them is stored', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    const eventsBefore = h.count('incident_events');
    const sqlite = h.db.$client;
    // A write that only fails at COMMIT: a deferred foreign-key violation joined to the open batch.
    const poison = () =>
      h.deps.uow!.run(() => {
        sqlite.pragma('defer_foreign_keys = ON');
        sqlite
          .prepare(
            `INSERT INTO api_tokens (id, user_id, token_hash, created_at) VALUES ('x', 'no-such-user', 'h', 'now')`,
          )
          .run();
        return { ok: true, status: 200, body: null, etag: null, replayed: false };
      });
    const pending = [
      h.event(id, { type: 'NEW_INFORMATION', summary: 'a', source: 'caller' }, { version: 3 }),
      h.request('POST', '/api/incidents', { body: createBody(h) }),
    ];
    // Let both requests run their commands (they join the open batch), then poison the same batch.
    await new Promise((r) => process.nextTick(r));
    await Promise.resolve();
    poison();
    const results = await Promise.all(pending);
    expect(results.map((r) => r.status)).toEqual([503, 503]);
    expect(results[0]!.body).toMatchObject({ code: 'NOT_SAVED' });
    expect(h.count('incident_events')).toBe(eventsBefore);
    expect(h.count('incidents')).toBe(1);
    expect(h.count('api_tokens')).toBe(ROLES.length); // the harness's own token per role, nothing more
    // The system carries on: the same request now succeeds.
    const retry = await h.event(id, { type: 'NEW_INFORMATION', summary: 'a', source: 'caller' }, { version: 3 });
    expect(retry.status).toBe(200);
  });

  it('a command that throws rolls back only itself', async () => {
    h = createHarness();
    const uow = h.deps.uow!;
    const meta = { actor: { id: 'u', role: 'call_handler' as const }, idempotencyKey: null, requestHash: '' };
    const a = createIncidentCommand(h.deps, meta, {
      ...createBody(h),
      channel: '999',
      category: 'other',
      mhFlagAtCall: false,
    } as never);
    expect(() =>
      uow.run(() => {
        h.db.$client
          .prepare(`INSERT INTO users (id, name, role, created_at) VALUES ('tmp', 'Temp', 'admin', 'now')`)
          .run();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const b = createIncidentCommand(h.deps, meta, {
      ...createBody(h),
      channel: '101',
      category: 'other',
      mhFlagAtCall: false,
    } as never);
    await uow.durable();
    expect(a.ok && b.ok).toBe(true);
    expect(h.count('incidents')).toBe(2);
    expect(h.db.$client.prepare(`SELECT count(*) FROM users WHERE id = 'tmp'`).pluck().get()).toBe(0);
  });
});
