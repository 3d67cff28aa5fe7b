/**
 * Bad input gets a clear 4xx that says what was wrong, writes nothing, and is never a 500.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { createBody, createIncident, gradedIncident, thrive } from '../support/flows.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ maxBodyBytes: 16 * 1024 });
});
afterEach(() => h.close());

const TABLES = [
  'incident_events',
  'incidents',
  'referrals',
  'referral_escalations',
  'alerts',
  'deadlines',
  'idempotency_keys',
  'incident_person_keys',
  'outbox',
  'agencies',
  'agency_changes',
];
const snapshotCounts = () => Object.fromEntries(TABLES.map((t) => [t, h.count(t)]));

async function expectRejected(status: number, send: () => Promise<{ status: number; body: any; headers: Headers }>) {
  const before = snapshotCounts();
  const r = await send();
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(typeof r.body.detail).toBe('string');
  expect(r.body.detail.length).toBeGreaterThan(10);
  expect(snapshotCounts()).toEqual(before);
  return r.body;
}

describe('bad input to POST /api/incidents', () => {
  it('malformed JSON → 400 saying the body is not JSON', async () => {
    const p = await expectRejected(400, () =>
      h.request('POST', '/api/incidents', { raw: '{"receivedAt": "2026-11-23T08:00:00Z",' }),
    );
    expect(p.detail).toMatch(/not valid JSON/);
  });

  it('wrong types and missing fields → 400 with every field path', async () => {
    const p = await expectRejected(400, () =>
      h.request('POST', '/api/incidents', {
        body: { receivedAt: 'yesterday', channel: 999, category: 'burglary', mhFlagAtCall: 'yes' },
      }),
    );
    expect(p.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.category',
      'body.channel',
      'body.mhFlagAtCall',
      'body.receivedAt',
    ]);
    expect(p.detail).toContain('concernForWelfare'); // names the allowed categories from configuration
  });

  it('unknown fields are refused rather than silently dropped', async () => {
    const p = await expectRejected(400, () =>
      h.request('POST', '/api/incidents', { body: { ...createBody(h), mhFlagAtclose: true } }),
    );
    expect(p.detail).toContain('mhFlagAtclose');
  });

  it('a non-JSON content type → 415 asking for application/json', async () => {
    await expectRejected(415, () =>
      h.request('POST', '/api/incidents', {
        raw: 'receivedAt=now',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
  });

  it('an oversize body → 413 before anything is parsed', async () => {
    const p = await expectRejected(413, () =>
      h.request('POST', '/api/incidents', { body: { ...createBody(h), summary: 'x'.repeat(20_000) } }),
    );
    expect(p.code).toBe('BODY_TOO_LARGE');
  });

  it('an invalid NHS number → 400 that does not echo the number back', async () => {
    const p = await expectRejected(400, () =>
      h.request('POST', '/api/incidents', {
        body: { ...createBody(h), subject: { identifiers: { nhsNumber: '9434765918' } } },
      }),
    );
    expect(JSON.stringify(p)).not.toContain('9434765918');
    expect(p.issues[0].path).toBe('body.subject.identifiers.nhsNumber');
  });

  it('a name without a date of birth → 400 (a name alone cannot link contacts)', async () => {
    await expectRejected(400, () =>
      h.request('POST', '/api/incidents', {
        body: { ...createBody(h), subject: { identifiers: { name: 'Sam Example' } } },
      }),
    );
  });

  it('a date of birth that contradicts ageYears → 400', async () => {
    await expectRejected(400, () =>
      h.request('POST', '/api/incidents', {
        body: { ...createBody(h), subject: { ageYears: 30, identifiers: { name: 'Sam', dateOfBirth: '2010-01-01' } } },
      }),
    );
  });

  it('a duplicate command-and-control reference → 409 naming the existing incident', async () => {
    const id = await createIncident(h, { reference: 'KENT-2026-000123' });
    const p = await expectRejected(409, () =>
      h.request('POST', '/api/incidents', { body: createBody(h, { reference: 'KENT-2026-000123' }) }),
    );
    expect(p.detail).toContain(id);
  });
});

describe('bad input to POST /api/incidents/:id/events', () => {
  it('unknown event type → 400 listing the known types', async () => {
    const id = await createIncident(h);
    const p = await expectRejected(400, () => h.event(id, { type: 'DETAIN_PERSON' }));
    expect(p.detail).toContain('THRIVE_RECORDED');
  });

  it('an event type users may not send (system events) → 400', async () => {
    const id = await createIncident(h);
    await expectRejected(400, () => h.event(id, { type: 'DEADLINE_REACHED', deadlineKey: 'x' }));
    await expectRejected(400, () => h.event(id, { type: 'INCIDENT_CREATED' }));
  });

  it('wrong field types → 400 naming the fields', async () => {
    const id = await gradedIncident(h);
    const p = await expectRejected(400, () =>
      h.event(id, {
        type: 'RCRP_DECISION_RECORDED',
        crimeOccurring: 'no',
        riskToLife: false,
        riskOfSeriousHarm: false,
        decision: 'maybe',
        rationale: 5,
      }),
    );
    expect(p.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.crimeOccurring',
      'body.decision',
      'body.rationale',
    ]);
  });

  it('an occurredAt without a time-zone offset → 400 (ambiguous local time)', async () => {
    const id = await createIncident(h);
    await expectRejected(400, () => h.event(id, { ...thrive(), occurredAt: '2026-11-23T09:00:00' }));
  });

  it('unknown incident id → 404', async () => {
    const p = await expectRejected(404, () => h.event('no-such-incident', thrive(), { version: 1 }));
    expect(p.code).toBe('INCIDENT_NOT_FOUND');
    const g = await h.request('GET', '/api/incidents/no-such-incident');
    expect(g.status).toBe(404);
  });

  it('missing If-Match → 428; malformed If-Match → 400', async () => {
    const id = await createIncident(h);
    await expectRejected(428, () =>
      h.request('POST', `/api/incidents/${id}/events`, { body: { ...thrive(), occurredAt: h.clock.at() } }),
    );
    await expectRejected(400, () =>
      h.request('POST', `/api/incidents/${id}/events`, {
        body: { ...thrive(), occurredAt: h.clock.at() },
        headers: { 'if-match': 'latest' },
      }),
    );
  });

  it('a bad Idempotency-Key → 400', async () => {
    const id = await createIncident(h);
    await expectRejected(400, () =>
      h.request('POST', `/api/incidents/${id}/events`, {
        body: { ...thrive(), occurredAt: h.clock.at() },
        headers: { 'if-match': '"1"', 'idempotency-key': 'has spaces in it' },
      }),
    );
  });

  it('events to a closed incident → 422 saying it is closed', async () => {
    const id = await gradedIncident(h, { category: 'other' });
    for (const e of [
      { type: 'RESOLVED_WITHOUT_DEPLOYMENT', resolution: 'informationOnly' },
      { type: 'INCIDENT_CLOSED', mhFlagAtClose: false, closureCode: 'resolved' },
    ]) {
      expect((await h.event(id, e)).status).toBe(200);
    }
    const p = await expectRejected(422, () => h.event(id, thrive()));
    expect(p.code).toBe('INCIDENT_CLOSED');
  });

  it('a random flood of junk bodies never produces a 500', async () => {
    const id = await createIncident(h);
    const junk = [
      'null',
      '[]',
      '"x"',
      '{}',
      '{"type":null}',
      '{"type":"THRIVE_RECORDED"}',
      '{"type":"GRADE_SET","occurredAt":"2026-13-45T99:00:00Z","grade":"G1"}',
      '{"type":{"a":1}}',
      '\u0000',
      '{"type":"REFERRAL_ANSWERED","referralId":"","answer":"accepted","occurredAt":"2026-11-23T09:00:00Z"}',
    ];
    for (const raw of junk) {
      const r = await h.request('POST', `/api/incidents/${id}/events`, { raw, headers: { 'if-match': '"1"' } });
      expect(r.status, raw).toBeGreaterThanOrEqual(400);
      expect(r.status, raw).toBeLessThan(500);
    }
    expect(h.count('incident_events')).toBe(1);
  });
});

describe('authentication', () => {
  it('no token or an unknown token → 401 with WWW-Authenticate, nothing written', async () => {
    const a = await expectRejected(401, () =>
      h.request('POST', '/api/incidents', { body: createBody(h), token: null }),
    );
    expect(a.detail).toContain('npm run token');
    const r = await h.request('GET', '/api/incidents', { token: 'mht_not-a-real-token' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('the OpenAPI document, docs, landing page and health check need no token', async () => {
    for (const path of ['/api/openapi.json', '/docs', '/', '/healthz']) {
      const r = await h.request('GET', path, { token: null });
      expect(r.status, path).toBe(200);
    }
  });

  it('every event records the authenticated actor', async () => {
    const id = await createIncident(h, {}, h.tokens.call_handler);
    await h.event(id, thrive(), { token: h.tokens.dispatcher });
    const got = await h.request('GET', `/api/incidents/${id}`);
    expect(
      got.body.timeline.map((e: { actor: { role: string; name: string } }) => [e.actor.role, e.actor.name]),
    ).toEqual([
      ['call_handler', 'Test call_handler'],
      ['dispatcher', 'Test dispatcher'],
    ]);
  });
});

describe('bad input to the directory, the audit and the partner page', () => {
  it('directory: malformed JSON, wrong types, garbage If-Match → 400; never a 500; nothing written', async () => {
    await expectRejected(400, () => h.request('POST', '/api/agencies', { raw: '{"code":', token: h.tokens.admin }));
    const p = await expectRejected(400, () =>
      h.request('POST', '/api/agencies', {
        body: { code: '9bad', label: '', type: 'x', hours: { alwaysOpen: 'yes' }, favourite: 1 },
        token: h.tokens.admin,
      }),
    );
    expect(p.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['body.code', 'body.label', 'body.type', 'body.hours.alwaysOpen']),
    );
    const a = (await h.request('GET', '/api/agencies/kmptSpoa')).body;
    const {
      code: _c,
      source: _s,
      orukServiceId: _o,
      version: _v,
      createdAt: _ca,
      updatedAt: _ua,
      updatedBy: _ub,
      ...editable
    } = a;
    await expectRejected(400, () =>
      h.request('PUT', '/api/agencies/kmptSpoa', {
        body: editable,
        token: h.tokens.admin,
        headers: { 'if-match': 'latest' },
      }),
    );
    await expectRejected(400, () => h.request('POST', '/api/agencies/import', { raw: '[1, 2', token: h.tokens.admin }));
    await expectRejected(400, () =>
      h.request('POST', '/api/agencies/import', { body: 'not a directory', token: h.tokens.admin }),
    );
  });

  it('audit: unparseable or reversed ranges → 400', async () => {
    await expectRejected(400, () =>
      h.request('GET', '/api/audit/handovers?from=yesterday', { token: h.tokens.mh_lead }),
    );
    await expectRejected(400, () => h.request('GET', '/api/audit/handovers?format=xlsx', { token: h.tokens.mh_lead }));
    await expectRejected(400, () =>
      h.request('GET', '/api/audit/handovers?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', {
        token: h.tokens.mh_lead,
      }),
    );
  });

  it('referral events: unknown agency, referral id or answer → 400 or 422 naming it; nothing written', async () => {
    const id = await gradedIncident(h);
    await expectRejected(400, () =>
      h.event(id, { type: 'REFERRAL_MADE', agency: 'x y', contactMethod: 'carrierPigeon', namedContact: 'n' }),
    );
    await expectRejected(400, () =>
      h.event(id, {
        type: 'REFERRAL_ESCALATED',
        referralId: 'r1',
        level: 0,
        reason: 'annoyed',
        escalatedBy: { name: 'x' },
      }),
    );
    await expectRejected(422, () => h.event(id, { type: 'REFERRAL_ANSWERED', referralId: 'nope', answer: 'accepted' }));
  });

  it('partner page: junk tokens and junk forms get a refusal page, never a 500, and nothing written', async () => {
    const before = snapshotCounts();
    for (const t of ['', '.', 'a.b', '%00', 'x'.repeat(2000)]) {
      for (const method of ['GET', 'POST']) {
        const form =
          method === 'POST'
            ? { raw: 'action=accept&respondent=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }
            : {};
        const r = await h.request(method, `/partner/referrals/${encodeURIComponent(t)}`, { ...form, token: null });
        expect(r.status, `${method} ${t.slice(0, 10)}`).toBeLessThan(500);
        expect(r.status).toBeGreaterThanOrEqual(400);
      }
    }
    expect(snapshotCounts()).toEqual(before);
  });
});
