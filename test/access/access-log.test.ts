/**
 * The access log (DPA 2018 s.62; ACCESS.md "The access log"): every consultation and disclosure of an
 * individual record writes exactly one row (counted), in the same request, through the API and the
 * console; a refusal writes one refusal row; no row carries personal data; the table is append-only;
 * the auditor reads it through GET /api/audit/access (filters, pages, CSV), and that read is logged
 * too; a record closed past the configured grace period needs a reason (428, 400, 200 with the purpose).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { createTransport } from '../../src/mail/transport.js';
import { detentionShaped } from '../support/detentions.js';
import {
  clearResources,
  close,
  createIncident,
  decision,
  emailReferral,
  grade,
  REASON,
  steps,
  thrive,
} from '../support/flows.js';
import { createHarness, type Harness } from '../support/harness.js';
import { browserRequest, hiddenField, signInWithToken } from '../support/sessions.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

/** What a test subject's record holds that must never reach the access log. */
const PERSON = { name: 'Zelda Quigley-Marsh', dateOfBirth: '1933-02-14' };
const AGE = 93;
const FREE_TEXT = 'found pacing on Medway bridge, says her cat Biscuit is gone';

interface Row {
  id: number;
  user_id: string;
  role: string;
  kind: string;
  action: string;
  operation: string | null;
  outcome: string;
  purpose: string | null;
  justification: string | null;
  recipient: string | null;
  refusal: string | null;
  params: string;
  records: string | null;
}

let h: Harness;
let smtp: TestSmtp;
let welfare = '';
let detentionIncident = '';
let detentionId = '';
let lastId = 0;

const rowsSince = (after: number): Row[] =>
  h.db.$client
    .prepare(
      `SELECT a.*, (SELECT group_concat(record_type || ':' || record_id, ' ') FROM
         (SELECT record_type, record_id FROM access_audit_records r WHERE r.audit_id = a.id ORDER BY rowid)) AS records
       FROM access_audit a WHERE a.id > ? ORDER BY a.id`,
    )
    .all(after) as Row[];
const maxId = () =>
  (h.db.$client.prepare('SELECT coalesce(max(id), 0) FROM access_audit').pluck().get() as number) ?? 0;
const userId = (role: string) =>
  h.db.$client.prepare('SELECT id FROM users WHERE name = ?').pluck().get(`Test ${role}`) as string;

/** Runs `act` and returns the access-log rows it wrote. */
async function logged(act: () => Promise<unknown>): Promise<Row[]> {
  const before = maxId();
  await act();
  return rowsSince(before);
}

/** Runs `act`, expecting exactly one row, and returns it. */
async function oneRow(act: () => Promise<unknown>): Promise<Row> {
  const rows = await logged(act);
  expect(rows.map((r) => r.action)).toHaveLength(1);
  return rows[0]!;
}

const get = (path: string, role: keyof Harness['tokens'], headers: Record<string, string> = {}) =>
  h.request('GET', path, { token: h.tokens[role], headers });

beforeAll(async () => {
  smtp = await startSmtp();
  h = createHarness({ mailEnabled: true, start: '2026-11-23T09:00:00Z' });
  welfare = await createIncident(h, {
    summary: FREE_TEXT,
    subject: { identifiers: PERSON, ageYears: AGE, gender: 'female', ethnicity: 'white' },
  });
  await steps(h, welfare, [thrive({ harm: FREE_TEXT }), grade('G2'), decision('handover'), emailReferral('r1')]);
  detentionIncident = await detentionShaped(h, 'd1', { handoverMinutes: 90 });
  detentionId = (await get('/api/detentions', 'mh_lead')).body.items[0].id;
  lastId = maxId();
});
afterAll(async () => {
  await h.close();
  await smtp.close();
});

describe('every consultation writes exactly one row, in the same request', () => {
  it('an incident read (its timeline with it): consultation, the incident, purpose liveHandling', async () => {
    const row = await oneRow(async () =>
      expect((await get(`/api/incidents/${welfare}`, 'supervisor')).status).toBe(200),
    );
    expect(row).toMatchObject({
      user_id: userId('supervisor'),
      role: 'supervisor',
      kind: 'consultation',
      action: 'incident.get',
      operation: 'incident.read',
      outcome: 'shown',
      purpose: 'liveHandling',
      records: `incident:${welfare}`,
    });
  });

  it('a page of incidents: one row naming every incident on the page', async () => {
    let ids: string[] = [];
    const row = await oneRow(async () => {
      const r = await get('/api/incidents', 'call_handler');
      ids = r.body.items.map((i: { id: string }) => i.id);
    });
    expect(ids).toEqual(expect.arrayContaining([welfare, detentionIncident]));
    expect(row).toMatchObject({ action: 'incidents.list', kind: 'consultation', role: 'call_handler' });
    expect(row.records!.split(' ').sort()).toEqual(ids.map((id) => `incident:${id}`).sort());
  });

  it('a detention read and a page of detentions', async () => {
    const one = await oneRow(async () =>
      expect((await get(`/api/detentions/${detentionId}`, 'officer')).status).toBe(200),
    );
    expect(one).toMatchObject({
      action: 'detention.get',
      operation: 'detention.read',
      records: `detention:${detentionId}`,
    });
    const page = await oneRow(async () => expect((await get('/api/detentions', 'dispatcher')).status).toBe(200));
    expect(page).toMatchObject({ action: 'detentions.list', records: `detention:${detentionId}` });
  });

  it('the alerts list: the alerts with their incidents', async () => {
    let items: Array<{ id: string; incidentId: string }> = [];
    const row = await oneRow(async () => {
      items = (await get('/api/alerts', 'mh_lead')).body.items;
    });
    expect(items.length).toBeGreaterThan(0);
    expect(row).toMatchObject({ action: 'alerts.list', operation: 'alert.read', purpose: 'liveHandling' });
    const records = row.records!.split(' ');
    for (const a of items)
      expect(records).toEqual(expect.arrayContaining([`alert:${a.id}`, `incident:${a.incidentId}`]));
  });

  it('the handover audit (the referrals and their incidents); its CSV is a disclosure to the user', async () => {
    const json = await oneRow(async () => expect((await get('/api/audit/handovers', 'mh_lead')).status).toBe(200));
    expect(json).toMatchObject({ action: 'handovers.audit', kind: 'consultation', purpose: 'handoverAudit' });
    expect(json.records!.split(' ')).toEqual(expect.arrayContaining([`referral:${welfare}/r1`, `incident:${welfare}`]));
    const csv = await oneRow(async () =>
      expect((await get('/api/audit/handovers?format=csv', 'supervisor')).status).toBe(200),
    );
    expect(csv).toMatchObject({ kind: 'disclosure', recipient: `user:${userId('supervisor')}` });
  });

  it('one incident’s high-intensity marker (R41)', async () => {
    const row = await oneRow(async () =>
      expect((await get(`/api/incidents/${welfare}/high-intensity`, 'mh_lead')).status).toBe(200),
    );
    expect(row).toMatchObject({
      action: 'incident.highIntensity',
      operation: 'handover.audit',
      records: `incident:${welfare}`,
    });
  });

  it('the record-level ADR return (JSON a consultation, CSV a disclosure), naming each detention', async () => {
    const json = await oneRow(async () =>
      expect((await get('/api/returns/adr?year=2026-27&format=json', 'mh_lead')).status).toBe(200),
    );
    expect(json).toMatchObject({ action: 'adr.return', kind: 'consultation', purpose: 'adrReturn' });
    expect(json.records).toBe(`detention:${detentionId}`);
    const csv = await oneRow(async () =>
      expect((await get('/api/returns/adr?year=2026-27&format=csv&table=records', 'mh_lead')).status).toBe(200),
    );
    expect(csv).toMatchObject({ kind: 'disclosure', records: `detention:${detentionId}` });
  });
});

describe('every disclosure writes exactly one row, with its recipient and justification', () => {
  it('a detention’s record exported for a coroner: the reason and the recipient (the user)', async () => {
    const row = await oneRow(async () =>
      expect(
        (
          await get(`/api/detentions/${detentionId}/export?format=json`, 'mh_lead', {
            'x-access-reason': 'courtOrCoroner; inquest 2026/17',
          })
        ).status,
      ).toBe(200),
    );
    expect(row).toMatchObject({
      kind: 'disclosure',
      action: 'detention.export',
      purpose: 'courtOrCoroner',
      justification: 'inquest 2026/17',
      recipient: `user:${userId('mh_lead')}`,
      records: `detention:${detentionId} incident:${detentionIncident}`,
    });
  });

  it('the detention list and the access log as CSV downloads', async () => {
    const detentions = await oneRow(async () =>
      expect((await get('/api/detentions?format=csv', 'mh_lead', REASON)).status).toBe(200),
    );
    expect(detentions).toMatchObject({ action: 'detentions.csv', kind: 'disclosure', purpose: 'dataQuality' });
    const log = await oneRow(async () =>
      expect((await get('/api/audit/access', 'auditor', { accept: 'text/csv' })).status).toBe(200),
    );
    expect(log).toMatchObject({ action: 'accessLog.read', kind: 'disclosure', recipient: `user:${userId('auditor')}` });
  });

  it('a referral emailed to its agency: a disclosure by the call handler to the agency, when it went', async () => {
    const transport = createTransport({ url: smtp.url, from: 'mh-triage@kent.police.test', ignoreTLS: true });
    const row = await oneRow(async () =>
      expect(await deliverOutbox(h.deps, transport, { from: 'mh-triage@kent.police.test' })).toEqual({
        sent: 1,
        failed: 0,
      }),
    );
    expect(smtp.messages).toHaveLength(1);
    expect(row).toMatchObject({
      user_id: userId('call_handler'),
      role: 'call_handler',
      kind: 'disclosure',
      action: 'referral.email',
      operation: 'referral.manage',
      recipient: 'agency:kmptSpoa',
      purpose: 'partnerReferral',
      records: `referral:${welfare}/r1 incident:${welfare}`,
    });
    // Sent once, logged once: the worker has nothing left to send or log.
    expect(await logged(() => deliverOutbox(h.deps, transport, { from: 'x@kent.police.test' }))).toEqual([]);
  });
});

describe('the console logs what it shows', () => {
  let cookie = '';
  beforeAll(async () => {
    cookie = (await signInWithToken(h, h.tokens.call_handler)).cookie!;
  });

  it('an incident page and its timeline fragment: one row each', async () => {
    const page = await oneRow(async () =>
      expect((await browserRequest(h, 'GET', `/console/incidents/${welfare}`, { cookie })).status).toBe(200),
    );
    expect(page).toMatchObject({ action: 'console.incident', role: 'call_handler', records: `incident:${welfare}` });
    const timeline = await oneRow(async () =>
      expect(
        (await browserRequest(h, 'GET', `/console/incidents/${welfare}/partials/timeline`, { cookie })).status,
      ).toBe(200),
    );
    expect(timeline).toMatchObject({ action: 'console.incident', records: `incident:${welfare}` });
  });

  it('the queue: one row naming the incidents it lists', async () => {
    const rows = await logged(async () =>
      expect((await browserRequest(h, 'GET', '/console', { cookie })).status).toBe(200),
    );
    const queue = rows.filter((r) => r.operation === 'incident.read');
    expect(queue).toHaveLength(1);
    expect(queue[0]!.records!.split(' ')).toEqual(expect.arrayContaining([`incident:${welfare}`]));
    // Anything else the page shows (the alert banner) is its own consultation, one row per operation.
    expect(new Set(rows.map((r) => r.operation)).size).toBe(rows.length);
  });
});

describe('sign-ins and sign-outs', () => {
  it('a token sign-in, a refused one (anonymous: the token names nobody) and a sign-out: one row each', async () => {
    let cookie = '';
    const signIn = await oneRow(async () => {
      cookie = (await signInWithToken(h, h.tokens.dispatcher)).cookie!;
    });
    expect(signIn).toMatchObject({
      user_id: userId('dispatcher'),
      role: 'dispatcher',
      kind: 'signIn',
      action: 'signIn.token',
      outcome: 'succeeded',
      records: null,
    });
    const wrong = await oneRow(async () => expect((await signInWithToken(h, 'mht_guessed')).res.status).toBe(401));
    expect(wrong).toMatchObject({ user_id: 'anonymous', kind: 'signIn', outcome: 'refused', refusal: 'TOKEN_UNKNOWN' });
    const csrf = hiddenField(await (await browserRequest(h, 'GET', '/account', { cookie })).text(), 'csrf')!;
    const out = await oneRow(async () =>
      expect((await browserRequest(h, 'POST', '/sign-out', { cookie, form: { csrf } })).status).toBe(303),
    );
    expect(out).toMatchObject({ user_id: userId('dispatcher'), kind: 'signOut', outcome: 'succeeded' });
  });
});

describe('refusals, personal data, append-only', () => {
  it('a refused read writes one refusal row naming what was asked for', async () => {
    const row = await oneRow(async () =>
      expect((await get(`/api/incidents/${welfare}`, 'pcc_analyst')).status).toBe(403),
    );
    expect(row).toMatchObject({
      role: 'pcc_analyst',
      outcome: 'refused',
      refusal: 'ROLE_NOT_ALLOWED',
      operation: 'incident.read',
      records: `incident:${welfare}`,
    });
  });

  it('no row carries the person’s name, date of birth, age or the free text of the record', () => {
    const rows = rowsSince(0);
    expect(rows.length).toBeGreaterThan(lastId);
    const text = JSON.stringify(rows);
    for (const s of ['Zelda', 'Quigley', PERSON.dateOfBirth, 'Biscuit', 'Medway', 'pacing', 'High Street'])
      expect(text, s).not.toContain(s);
    for (const r of rows) expect(Object.values(JSON.parse(r.params) as object), r.action).not.toContain(AGE);
  });

  it('the log is append-only: UPDATE and DELETE are refused by triggers, on rows and on their records', () => {
    const sqlite = h.db.$client;
    expect(() => sqlite.prepare(`UPDATE access_audit SET outcome = 'shown'`).run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM access_audit').run()).toThrow(/append-only/);
    expect(() => sqlite.prepare(`UPDATE access_audit_records SET record_id = 'x'`).run()).toThrow(/append-only/);
    expect(() => sqlite.prepare('DELETE FROM access_audit_records').run()).toThrow(/append-only/);
    expect(rowsSince(0).length).toBeGreaterThan(0);
  });
});

describe('GET /api/audit/access (the auditor)', () => {
  const read = (query: string, headers: Record<string, string> = {}) =>
    get(`/api/audit/access${query}`, 'auditor', headers);

  it('filters by user and by record, and reading it is logged with the filters', async () => {
    const handler = userId('call_handler');
    const byUser = await read(`?user=${handler}`);
    expect(byUser.status).toBe(200);
    expect(byUser.body.items.length).toBeGreaterThan(0);
    expect(byUser.body.items.every((e: { userId: string }) => e.userId === handler)).toBe(true);
    expect(byUser.body.items[0].userName).toBe('Test call_handler');

    const byRecord = await read(`?record=${encodeURIComponent(`${welfare}/r1`)}`);
    expect(byRecord.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['handovers.audit', 'referral.email']),
    );
    const [readRow] = rowsSince(maxId() - 1);
    expect(readRow).toMatchObject({ action: 'accessLog.read', kind: 'consultation', role: 'auditor' });
    expect(JSON.parse(readRow!.params)).toMatchObject({ record: `${welfare}/r1`, format: 'json' });
  });

  it('filters by period [from, to) and pages with the cursor', async () => {
    const all = (await read('?limit=10000')).body.items as Array<{ id: number; at: string }>;
    const first = await read('?limit=3');
    expect(first.body.items.map((e: { id: number }) => e.id)).toEqual(all.slice(0, 3).map((e) => e.id));
    const second = await read(`?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((e: { id: number }) => e.id)).toEqual(all.slice(3, 6).map((e) => e.id));
    // A read ten minutes later: [from, to) either side of it.
    h.clock.advanceMinutes(10);
    const t = h.clock.at();
    const later = await oneRow(() => get(`/api/incidents/${welfare}`, 'officer'));
    const fromT = (await read(`?limit=10000&from=${t}`)).body.items as Array<{ id: number; at: string }>;
    expect(fromT[0]!.id).toBe(later.id);
    expect(fromT.every((e) => e.at >= t)).toBe(true);
    const toT = (await read(`?limit=10000&to=${t}`)).body.items as Array<{ id: number; at: string }>;
    expect(toT.map((e) => e.id)).toEqual(
      rowsSince(0)
        .map((e) => e.id)
        .filter((id) => id < later.id),
    );
  });

  it('as CSV with Accept: text/csv: a header row and one line per row, ids only', async () => {
    const r = await read(`?record=${welfare}`, { accept: 'text/csv' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="access-log-2026-11-2\d\.csv"$/);
    const lines = (r.body as string).trim().split('\n');
    expect(lines[0]!.split(',')).toEqual([
      ...['id', 'at', 'userId', 'userName', 'role', 'kind', 'action', 'operation', 'records', 'purpose'],
      ...['justification', 'recipient', 'outcome', 'refusal', 'requestId'],
    ]);
    expect(lines.length).toBeGreaterThan(3);
    expect(r.body).toContain(`incident:${welfare}`);
    expect(r.body).not.toContain('Quigley');
  });

  it('only the auditor: anyone else is refused, and the refusal is logged', async () => {
    for (const role of ['mh_lead', 'admin', 'supervisor'] as const) {
      const row = await oneRow(async () => expect((await get('/api/audit/access', role)).status).toBe(403));
      expect(row).toMatchObject({ role, outcome: 'refused', action: 'accessLog.read' });
    }
  });
});

describe('justification: a record closed past the configured grace period needs a reason', () => {
  let g: Harness;
  let id = '';
  beforeAll(async () => {
    g = createHarness({
      start: '2026-11-23T09:00:00Z',
      config: (c) => ({ ...c, access: { ...c.access, closedRecordGraceHours: 2 } }),
    });
    id = await createIncident(g);
    await steps(g, id, [thrive(), grade('G2'), decision('adviceOnly'), { type: 'ADVICE_GIVEN', summary: 'advised' }]);
    await clearResources(g, id);
    await steps(g, id, [close({ closureCode: 'adviceGiven' })]);
  });
  afterAll(() => g.close());

  const lastRow = () => g.db.$client.prepare('SELECT * FROM access_audit ORDER BY id DESC LIMIT 1').get() as Row;
  const read = (headers: Record<string, string> = {}) =>
    g.request('GET', `/api/incidents/${id}`, { token: g.tokens.mh_lead, headers });

  it('within the grace period: shown for live handling, no reason asked', async () => {
    g.clock.advanceMinutes(119);
    expect((await read()).status).toBe(200);
    expect(lastRow()).toMatchObject({ operation: 'incident.read', purpose: 'liveHandling', outcome: 'shown' });
  });

  it('past it: 428 naming the header and the codes, logged as a refusal', async () => {
    g.clock.advanceMinutes(2);
    const r = await read();
    expect(r.status).toBe(428);
    expect(r.body.code).toBe('ACCESS_REASON_REQUIRED');
    expect(r.body.detail).toContain('closed more than 2 hours ago');
    expect(r.body.detail).toContain('X-Access-Reason: <code>; <optional text>');
    expect(r.body.detail).toContain('followUp');
    expect(lastRow()).toMatchObject({ outcome: 'refused', refusal: 'ACCESS_REASON_REQUIRED' });
  });

  it('an unknown reason code: 400 naming the codes, nothing shown', async () => {
    const r = await read({ 'x-access-reason': 'curiosity; just looking' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('ACCESS_REASON_INVALID');
    expect(r.body.detail).toContain("'curiosity' is not one of followUp");
    expect(r.body.summary).toBeUndefined();
  });

  it('with a configured reason: 200, the closed-read operation, the purpose and the text recorded', async () => {
    const r = await read({ 'x-access-reason': 'followUp; callback promised to the GP' });
    expect(r.status).toBe(200);
    expect(lastRow()).toMatchObject({
      operation: 'incident.readClosed',
      purpose: 'followUp',
      justification: 'callback promised to the GP',
      outcome: 'shown',
    });
  });
});
