/**
 * Two people acting on the same incident at once, and clients retrying after a network failure.
 */
import { serve, type ServerType } from '@hono/node-server';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { captureTransport } from '../../src/mail/transport.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  createBody,
  createIncident,
  decision,
  emailReferral,
  gradedIncident,
  grade,
  steps,
  thrive,
} from '../support/flows.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.close());

describe('concurrent writers', () => {
  it('two HTTP clients sending the same If-Match at once: exactly one 200 and one 409', async () => {
    const id = await gradedIncident(h);
    const server: ServerType = serve({ fetch: h.app.fetch, port: 0 });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const send = (who: string) =>
        fetch(`http://127.0.0.1:${port}/api/incidents/${id}/events`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${h.tokens.dispatcher}`,
            'content-type': 'application/json',
            'if-match': '"3"',
          },
          body: JSON.stringify({
            type: 'NEW_INFORMATION',
            occurredAt: h.clock.at(),
            summary: `update from ${who}`,
            source: 'officer',
          }),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { currentVersion?: number; code?: string },
        }));
      const results = await Promise.all([send('A'), send('B')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const conflict = results.find((r) => r.status === 409)!;
      expect(conflict.body).toMatchObject({ code: 'STALE_VERSION', currentVersion: 4 });
      expect(h.count('incident_events')).toBe(4);
    } finally {
      server.close();
    }
  });

  it('two processes writing the same version to the same database file: one commits, one gets 409', async () => {
    const id = await gradedIncident(h);
    const children = ['A', 'B'].map(() =>
      spawn(
        process.execPath,
        ['--import', 'tsx', 'test/api/writer-child.ts', h.dbPath, id, '3', 'child-writer', h.clock.at()],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      ),
    );
    const lines = children.map((c) => createInterface({ input: c.stdout! })[Symbol.asyncIterator]());
    for (const l of lines) expect((await l.next()).value).toBe('ready');
    for (const c of children) c.stdin!.write('go\n');
    const outcomes = await Promise.all(
      lines.map(async (l) => JSON.parse((await l.next()).value as string) as { status: number; code?: string }),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual([200, 409]);
    const got = await h.request('GET', `/api/incidents/${id}`);
    expect(got.body.version).toBe(4);
    expect(got.body.timeline.filter((e: { type: string }) => e.type === 'NEW_INFORMATION')).toHaveLength(1);
  });
});

describe('stale versions: only people make a form stale', () => {
  it("a deadline firing between a person's read and write does not make their form stale (no 409)", async () => {
    const id = await gradedIncident(h);
    const read = await h.request('GET', `/api/incidents/${id}`);
    expect(read.body).toMatchObject({ version: 3, seq: 3 });
    // G2's unresourced clock (40 min): the scheduler records DEADLINE_REACHED and raises R6.
    h.clock.advanceMinutes(41);
    expect(sweepDeadlines(h.deps).fired).toBe(1);
    const after = await h.request('GET', `/api/incidents/${id}`);
    expect(after.body).toMatchObject({ version: 3, seq: 4 });
    expect(after.headers.get('etag')).toBe('"3"');
    expect(after.body.timeline.at(-1)).toMatchObject({ type: 'DEADLINE_REACHED', actor: { role: 'system' } });
    const write = await h.event(id, decision('deploy'), { version: read.body.version });
    expect(write.status, JSON.stringify(write.body)).toBe(200);
    expect(write.body).toMatchObject({ version: 4, seq: 5 });
    expect(write.headers.get('etag')).toBe('"4"');
  });

  it("another person's grade since you read answers 409 naming it: type, who, when", async () => {
    const id = await createIncident(h);
    await steps(h, id, [thrive()]);
    const read = await h.request('GET', `/api/incidents/${id}`);
    h.clock.advanceMinutes(2);
    const graded = await h.event(id, grade('G1'), { version: read.body.version, token: h.tokens.dispatcher });
    expect(graded.status).toBe(200);
    h.clock.advanceMinutes(1);
    const stale = await h.event(id, grade('G3'), { version: read.body.version });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'STALE_VERSION', currentVersion: 3 });
    expect(stale.body.changes).toEqual([
      {
        seq: 3,
        type: 'GRADE_SET',
        occurredAt: graded.body.grade.setAt,
        recordedAt: graded.body.grade.setAt,
        actor: { id: expect.any(String), name: 'Test dispatcher', role: 'dispatcher' },
      },
    ]);
    expect(stale.body.detail).toContain('GRADE_SET by Test dispatcher');
    expect(h.count('incident_events')).toBe(3);
  });

  it("an email sent by the system does not make a form stale; the partner's answer through its link does", async () => {
    const mh = createHarness({ mailEnabled: true });
    try {
      const id = await gradedIncident(mh);
      await steps(mh, id, [decision('handover'), emailReferral('r1')]);
      const read = await mh.request('GET', `/api/incidents/${id}`);
      expect(read.body.version).toBe(5);
      await deliverOutbox(mh.deps, captureTransport(join(mh.dir, 'mail')), { from: 'control@kent.example' });
      const sent = await mh.request('GET', `/api/incidents/${id}`);
      expect(sent.body.timeline.at(-1).type).toBe('REFERRAL_SENT');
      expect(sent.body).toMatchObject({ version: 5, seq: 6 });
      const body = mh.db.$client.prepare(`SELECT body FROM outbox WHERE correlation = 'r1'`).pluck().get() as string;
      const link = /(\/partner\/referrals\/[A-Za-z0-9_.-]+)/.exec(body)![1]!;
      const answered = await mh.request('POST', link, {
        raw: new URLSearchParams({ action: 'accept', respondent: 'J Smith, SPoA nurse' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        token: null,
      });
      expect(answered.status).toBe(200);
      const stale = await mh.event(
        id,
        { type: 'NEW_INFORMATION', summary: 'rang back', source: 'caller' },
        {
          version: read.body.version,
        },
      );
      expect(stale.status).toBe(409);
      expect(stale.body.currentVersion).toBe(6);
      expect(stale.body.changes).toEqual([
        expect.objectContaining({ type: 'REFERRAL_ANSWERED', actor: expect.objectContaining({ role: 'partner' }) }),
      ]);
    } finally {
      await mh.close();
    }
  });
});

describe('Idempotency-Key', () => {
  it('a retried event returns the first answer and writes nothing', async () => {
    const id = await createIncident(h);
    const first = await h.event(id, thrive(), { version: 1, key: 'retry-1' });
    expect(first.status).toBe(200);
    const events = h.count('incident_events');
    h.clock.advanceMinutes(1);
    const again = await h.request('POST', `/api/incidents/${id}/events`, {
      body: { ...thrive(), occurredAt: '2026-11-23T09:00:00.000Z' },
      headers: { 'if-match': '"1"', 'idempotency-key': 'retry-1' },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('etag')).toBe('"2"');
    expect(h.count('incident_events')).toBe(events);
  });

  it('a retried create returns the same incident, not a second one', async () => {
    const body = createBody(h);
    const send = () => h.request('POST', '/api/incidents', { body, headers: { 'idempotency-key': 'create-77' } });
    const a = await send();
    const b = await send();
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(h.count('incidents')).toBe(1);
  });

  it('the same key with a different request is refused and writes nothing', async () => {
    const id = await createIncident(h);
    await h.event(id, thrive(), { version: 1, key: 'k-1' });
    const before = h.count('incident_events');
    const other = await h.event(
      id,
      { type: 'NEW_INFORMATION', summary: 'different', source: 'caller' },
      { version: 2, key: 'k-1' },
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(h.count('incident_events')).toBe(before);
  });

  it('keys belong to the user who sent them', async () => {
    const id = await createIncident(h);
    expect((await h.event(id, thrive(), { version: 1, key: 'shared', token: h.tokens.call_handler })).status).toBe(200);
    const other = await h.event(
      id,
      { type: 'NEW_INFORMATION', summary: 'x', source: 'officer' },
      { version: 2, key: 'shared', token: h.tokens.dispatcher },
    );
    expect(other.status).toBe(200);
    expect(h.count('incident_events')).toBe(3);
  });

  it('a refused command is not remembered, so the retry after fixing the cause is evaluated afresh', async () => {
    const id = await createIncident(h);
    const refused = await h.event(id, { type: 'GRADE_SET', grade: 'G2' }, { version: 1, key: 'g-1' });
    expect(refused.status).toBe(422);
    await h.event(id, thrive(), { version: 1 });
    const retried = await h.event(id, { type: 'GRADE_SET', grade: 'G2' }, { version: 2, key: 'g-1' });
    expect(retried.status).toBe(200);
  });
});
