/**
 * The live change feed (GET /api/stream) over real HTTP: every committed change — a person's command,
 * the sweeper's deadline, the outbox worker's email, a partner's answer, an alert acknowledged —
 * reaches a connected console as a small notice (ids and codes only), in commit order, with an id to
 * resume from; a refused command announces nothing; roles that may not read incidents get no stream;
 * keep-alive comments and shutdown end cleanly. The clock is the harness's; nothing waits on time.
 */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { createApp } from '../../src/app.js';
import { databaseFeed } from '../../src/live/database-feed.js';
import { captureTransport } from '../../src/mail/transport.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import { createIncident, decision, emailReferral, gradedIncident, grade, steps, thrive } from '../support/flows.js';
import { signInWithToken } from '../support/sessions.js';
import { openSse, type SseClient } from '../support/sse.js';

let h: Harness;
let server: Server | null = null;
let base = '';
const clients: SseClient[] = [];

async function listen(fetchApp: (req: Request) => Response | Promise<Response>) {
  server = serve({ fetch: fetchApp, port: 0 }) as Server;
  await new Promise((r) => server!.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function connect(headers: Record<string, string> = { authorization: `Bearer ${h.tokens.call_handler}` }) {
  const c = await openSse(`${base}/api/stream`, headers);
  clients.push(c);
  if (c.status === 200) expect(await c.nextComment()).toBe('connected');
  return c;
}

beforeEach(async () => {
  h = createHarness({ start: '2026-11-23T09:00:00Z', mailEnabled: true });
  await listen(h.app.fetch);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await h.close();
  // Clients were closed above; a test server need not wait for their sockets to time out.
  server?.closeAllConnections();
  if (server) await new Promise((r) => server!.close(r));
  server = null;
});

describe('live change feed: what a console hears', () => {
  it("a person's command is pushed once committed: kind, ids, version, state — no free text", async () => {
    const sse = await connect();
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    const id = await createIncident(h, { reference: 'KENT-LIVE-1', summary: 'caller says he has a knife' });
    const created = await sse.next();
    expect(created.event).toBe('incident');
    expect(created.id).toMatch(/^[0-9a-f]+-1$/);
    expect(created.data).toEqual({
      kind: 'incident',
      incidentId: id,
      reference: 'KENT-LIVE-1',
      event: 'INCIDENT_CREATED',
      actorRole: 'call_handler',
      version: 1,
      seq: 1,
      state: 'new',
      status: 'open',
      alertsRaised: [],
      alerts: { unacknowledgedCritical: 0, unacknowledged: 0 },
    });
    expect(JSON.stringify(created.data)).not.toContain('knife');
    await steps(h, id, [thrive()]);
    const next = await sse.next();
    expect(next.data).toMatchObject({ event: 'THRIVE_RECORDED', version: 2, state: 'assessed' });
    expect(next.id).toMatch(/-2$/);
  });

  it('a refused command announces nothing: the next notice is the next committed change', async () => {
    const id = await createIncident(h);
    const sse = await connect();
    expect((await h.event(id, grade('G1'))).status).toBe(422);
    expect((await h.event(id, thrive(), { version: 99 })).status).toBe(409);
    await steps(h, id, [thrive()]);
    expect((await sse.next()).data).toMatchObject({ incidentId: id, event: 'THRIVE_RECORDED' });
  });

  it("the sweeper's deadline is pushed with the alert it raised; the version people see is unchanged", async () => {
    const id = await gradedIncident(h);
    const sse = await connect();
    h.clock.advanceMinutes(41);
    expect(sweepDeadlines(h.deps).fired).toBe(1);
    const n = await sse.next();
    expect(n.data).toMatchObject({
      incidentId: id,
      event: 'DEADLINE_REACHED',
      actorRole: 'system',
      version: 3,
      seq: 4,
      alertsRaised: [{ id: `${id}:R6:unresourced:3`, rule: 'R6', severity: 'warning' }],
      alerts: { unacknowledgedCritical: 0, unacknowledged: 1 },
    });
    const alertId = n.data.alertsRaised[0].id;
    const ack = await h.request('POST', `/api/alerts/${encodeURIComponent(alertId)}/acknowledgements`, {
      body: { note: 'finding a unit' },
      token: h.tokens.dispatcher,
    });
    expect(ack.status).toBe(201);
    const acked = await sse.next();
    expect(acked.event).toBe('alert');
    expect(acked.data).toEqual({
      kind: 'alert',
      incidentId: id,
      alertId,
      rule: 'R6',
      severity: 'warning',
      action: 'acknowledged',
      actorRole: 'dispatcher',
      alerts: { unacknowledgedCritical: 0, unacknowledged: 0 },
    });
  });

  it("the outbox worker's email and the partner's answer through the link are pushed", async () => {
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover'), emailReferral('r1')]);
    const sse = await connect();
    await deliverOutbox(h.deps, captureTransport(join(h.dir, 'mail')), { from: 'control@kent.example' });
    expect((await sse.next()).data).toMatchObject({ event: 'REFERRAL_SENT', actorRole: 'system', version: 5 });
    const body = h.db.$client.prepare(`SELECT body FROM outbox WHERE correlation = 'r1'`).pluck().get() as string;
    const link = /(\/partner\/referrals\/[A-Za-z0-9_.-]+)/.exec(body)![1]!;
    const answered = await h.request('POST', link, {
      raw: new URLSearchParams({ action: 'accept', respondent: 'J Smith, SPoA nurse' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      token: null,
    });
    expect(answered.status).toBe(200);
    expect((await sse.next()).data).toMatchObject({ event: 'REFERRAL_ANSWERED', actorRole: 'partner', version: 6 });
  });

  it('every connected console hears the same notices in the same order', async () => {
    const a = await connect();
    const b = await connect({ authorization: `Bearer ${h.tokens.supervisor}` });
    const id = await createIncident(h);
    await steps(h, id, [thrive(), grade('G2')]);
    for (const c of [a, b]) {
      const got = [await c.next(), await c.next(), await c.next()];
      expect(got.map((f) => f.data.event)).toEqual(['INCIDENT_CREATED', 'THRIVE_RECORDED', 'GRADE_SET']);
    }
  });
});

describe('live change feed: who may listen', () => {
  it('roles that may not read incidents (PCC analyst, auditor, admin) are refused with 403 and no stream', async () => {
    for (const role of ['pcc_analyst', 'auditor', 'admin'] as const) {
      const r = await h.request('GET', '/api/stream', { token: h.tokens[role] });
      expect(r.status, role).toBe(403);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await h.request('GET', '/api/stream', { token: null })).status).toBe(401);
  });

  it("a console session cookie opens the stream like a bearer token, for the session's role", async () => {
    const { cookie } = await signInWithToken(h, h.tokens.dispatcher);
    const sse = await connect({ cookie: cookie! });
    expect(sse.status).toBe(200);
    const id = await createIncident(h);
    expect((await sse.next()).data).toMatchObject({ incidentId: id, event: 'INCIDENT_CREATED' });
    const { cookie: analyst } = await signInWithToken(h, h.tokens.pcc_analyst);
    expect((await connect({ cookie: analyst! })).status).toBe(403);
  });
});

describe('live change feed: reconnecting, keep-alive and shutdown', () => {
  it('a reconnect with Last-Event-ID is sent exactly what it missed, in order', async () => {
    const first = await connect();
    const id = await createIncident(h);
    const seen = await first.next();
    first.close();
    await steps(h, id, [thrive(), grade('G2')]);
    const again = await connect({ authorization: `Bearer ${h.tokens.call_handler}`, 'last-event-id': seen.id! });
    const missed = [await again.next(), await again.next()];
    expect(missed.map((f) => f.data.event)).toEqual(['THRIVE_RECORDED', 'GRADE_SET']);
    await steps(h, id, [decision('deploy')]);
    expect((await again.next()).data.event).toBe('RCRP_DECISION_RECORDED');
  });

  it('an old id, or one from before a restart, gets one reload notice, then the live notices', async () => {
    // An app whose feed keeps only two notices.
    const small = databaseFeed(h.db, { capacity: 2 });
    const app = createApp({ ...h.deps, feed: small });
    server!.closeAllConnections();
    await new Promise((r) => server!.close(r));
    await listen(app.fetch);
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      app.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.call_handler}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const first = await connect();
    const created = await post('/api/incidents', {
      receivedAt: h.clock.at(-10),
      channel: '999',
      category: 'mhCrisisInPublic',
      mhFlagAtCall: true,
    });
    const id = ((await created.json()) as { id: string }).id;
    const seen = await first.next();
    first.close();
    for (let v = 1; v <= 3; v++) {
      const body = { type: 'NEW_INFORMATION', occurredAt: h.clock.at(), summary: `update ${v}`, source: 'caller' };
      expect((await post(`/api/incidents/${id}/events`, body, { 'if-match': `"${v}"` })).status).toBe(200);
    }
    const late = await connect({ authorization: `Bearer ${h.tokens.call_handler}`, 'last-event-id': seen.id! });
    const reload = await late.next();
    expect(reload.event).toBe('reload');
    expect(reload.data).toEqual({ kind: 'reload', reason: 'more changes were missed than are kept' });
    expect(reload.id).toMatch(/-4$/);
    const restarted = await connect({ authorization: `Bearer ${h.tokens.call_handler}`, 'last-event-id': 'abc123-2' });
    expect((await restarted.next()).data).toEqual({ kind: 'reload', reason: 'the server restarted' });
    const body = { type: 'NEW_INFORMATION', occurredAt: h.clock.at(), summary: 'update 4', source: 'caller' };
    expect((await post(`/api/incidents/${id}/events`, body, { 'if-match': '"4"' })).status).toBe(200);
    for (const c of [late, restarted]) expect((await c.next()).id).toMatch(/-5$/);
    small.close();
  });

  it('keep-alive comments reach every open stream; shutting the feed ends every stream cleanly', async () => {
    const a = await connect();
    const b = await connect({ authorization: `Bearer ${h.tokens.officer}` });
    expect(h.deps.feed.subscribers).toBe(2);
    h.deps.feed.keepAlive();
    expect(await a.nextComment()).toBe('keep-alive');
    expect(await b.nextComment()).toBe('keep-alive');
    h.deps.feed.close();
    await a.ended();
    await b.ended();
    expect(h.deps.feed.subscribers).toBe(0);
    // The HTTP server then closes at once: no stream holds it open.
    await new Promise((r) => server!.close(r));
    server = null;
  });

  it('a console that disconnects is forgotten', async () => {
    const a = await connect();
    expect(h.deps.feed.subscribers).toBe(1);
    a.close();
    // The server notices when it next writes to the dead connection, or when the socket closes.
    // The server hears of it when the socket closes (no time passes on the clock; no sleep: one turn at a time).
    while (h.deps.feed.subscribers > 0) await new Promise((r) => setImmediate(r));
    expect(h.deps.feed.subscribers).toBe(0);
  });
});
