/**
 * The MH lead's review through the API (issue 14): the list's filters (period, place of safety,
 * outcome, alert, reviewed or not), paging and CSV; the review page's legal timeline with each
 * rule's result named by rule; findings recorded append-only; and the record exported for the IOPC
 * or a coroner, logged as a disclosure with its justification.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import {
  arrived,
  considered,
  consulted,
  conveyed,
  detained,
  policeIncident,
  policeStation,
  steps,
} from '../support/flows.js';
import { detentionShaped, person, type Shape } from '../support/detentions.js';
import { DETENTION_CSV_COLUMNS } from '../../src/reports/detention-list-csv.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-11-23T21:00:00Z' });
});
afterEach(() => h.close());

const detention = (id: string, s: Shape = {}) => detentionShaped(h, id, s);
/** The MH lead reading the list of (mostly closed) detentions: a reason, as for any closed record. */
const asLead = {
  get token() {
    return h.tokens.mh_lead;
  },
  headers: { 'x-access-reason': 'detentionReview' },
};

const review = (id: string, token = h.tokens.mh_lead) => h.request('GET', `/api/detentions/${id}/review`, { token });
const check = (r: any, label: string | RegExp, rule: string) =>
  r.steps
    .find((s: any) => (typeof label === 'string' ? s.label === label : label.test(s.label)))
    ?.checks.find((c: any) => c.rule === rule);
const ruleResult = (r: any, rule: string) => r.rules.find((x: any) => x.rule === rule)?.result;

describe('the review page: each step of the legal timeline with the rules it was checked against', () => {
  it('R35 a handover inside the hour passes; police leaving 95 minutes after arrival is flagged', async () => {
    await detention('onTime', { handoverMinutes: 40 });
    h.clock.advanceMinutes(60);
    await detention('late', { handoverMinutes: 95 });
    const onTime = (await review('onTime')).body;
    expect(check(onTime, 'Police left the place of safety', 'R35')).toMatchObject({ result: 'passed' });
    expect(ruleResult(onTime, 'R35')).toBe('passed');
    const late = (await review('late')).body;
    expect(check(late, 'Police left the place of safety', 'R35')).toMatchObject({
      result: 'flagged',
      detail: expect.stringContaining('95 min after arrival'),
    });
    expect(check(late, 'NHS accepted the person', 'R35')).toMatchObject({ result: 'flagged' });
    expect(ruleResult(late, 'R35')).toBe('flagged');
  });

  it('R35 while police wait with no NHS acceptance, the handover is not recorded (and R23, R36 too)', async () => {
    await detention('waiting', { until: 'arrived' });
    const r = (await review('waiting')).body;
    expect(check(r, 'NHS acceptance', 'R35')).toMatchObject({ result: 'notRecorded' });
    expect(r.steps.find((s: any) => s.label === 'NHS acceptance')).toMatchObject({
      recordedBy: null,
      occurredAt: null,
    });
    expect(check(r, 'Permitted period ends', 'R23')).toMatchObject({ result: 'notRecorded' });
    expect(check(r, 'Outcome', 'R36')).toMatchObject({ result: 'notRecorded' });
    // The ADR fields are all known already (R42 passes) though the record is not closed yet.
    expect(r.steps.find((s: any) => s.label === 'Detention record closed').recordedBy).toBeNull();
    expect(check(r, 'Detention record closed', 'R42').result).toBe('passed');
  });

  it('R34 a police vehicle with no ambulance requested is flagged on the conveyance step', async () => {
    await detention('car', { noAmbulance: true });
    const r = (await review('car')).body;
    expect(check(r, 'Conveyance', 'R34')).toMatchObject({ result: 'flagged' });
    expect(check(r, 'Conveyance', 'R33')).toMatchObject({ result: 'passed' });
    await detention('amb');
    expect(check((await review('amb')).body, 'Conveyance', 'R34')).toMatchObject({ result: 'passed' });
  });

  it('R37 an assessment starting 4 hours after the clock is flagged; at 90 minutes it passes', async () => {
    await detention('slow', { assessmentAfter: 240 });
    expect(check((await review('slow')).body, 'Assessment started', 'R37')).toMatchObject({ result: 'flagged' });
    await detention('prompt', { assessmentAfter: 90 });
    expect(check((await review('prompt')).body, 'Assessment started', 'R37')).toMatchObject({
      result: 'passed',
      detail: 'started 90 min after the clock started, inside the period',
    });
  });

  it('R19 R21 R23 R42 a closed, lawful detention passes each rule, with who recorded each step and when', async () => {
    await detention('good');
    const r = (await review('good')).body;
    expect(check(r, 'Consultation', 'R19').result).toBe('passed');
    expect(check(r, 'Decision to detain under s.136', 'R16').result).toBe('passed');
    expect(check(r, 'Decision to detain under s.136', 'R18').result).toBe('passed');
    expect(check(r, 'Clock started', 'R21')).toMatchObject({ result: 'passed' });
    expect(check(r, 'Permitted period ends', 'R23')).toMatchObject({ result: 'passed' });
    expect(check(r, 'Detention record closed', 'R42')).toMatchObject({ result: 'passed' });
    expect(r.rules.every((x: any) => x.result === 'passed')).toBe(true);
    const arrival = r.steps.find((s: any) => /^Arrived at /.test(s.label));
    expect(arrival).toMatchObject({
      phase: 'placeOfSafety',
      occurredAt: '2026-11-23T21:30:00.000Z',
      recordedAt: '2026-11-23T21:30:00.000Z',
      recordedBy: { name: 'Test dispatcher', role: 'dispatcher' },
      recordedAfterMinutes: 0,
    });
    // The phases come in the law's order.
    const phases = [...new Set(r.steps.map((s: any) => s.phase))];
    expect(phases).toEqual(['decision', 'conveyance', 'placeOfSafety', 'clock', 'assessment', 'outcome', 'record']);
  });

  it('R26 each healthcare check at a police station shows its gap; 45 minutes without one is flagged', async () => {
    const id = await policeIncident(h, person);
    await steps(h, id, [considered('ps'), consulted('ps'), detained('ps'), conveyed('ps')]);
    h.clock.advanceMinutes(20);
    await steps(h, id, [arrived('ps', policeStation())]);
    const checkNow = (present: boolean) => ({
      type: 'S136_HEALTHCARE_CHECK_RECORDED',
      detentionId: 'ps',
      professional: 'custody nurse',
      professionalPresent: present,
    });
    h.clock.advanceMinutes(25);
    await steps(h, id, [checkNow(true)]);
    h.clock.advanceMinutes(45);
    await steps(h, id, [checkNow(true)]);
    const r = (await review('ps')).body;
    const checks = r.steps.filter((x: any) => x.label === 'Healthcare welfare check');
    expect(checks.map((x: any) => x.checks[0])).toEqual([
      expect.objectContaining({ rule: 'R26', result: 'passed', detail: expect.stringContaining('25 min after') }),
      expect.objectContaining({ rule: 'R26', result: 'flagged', detail: expect.stringContaining('45 min after') }),
    ]);
    expect(check(r, /^Arrived at /, 'R26').result).toBe('flagged');
    expect(check(r, /^Arrived at /, 'R25').result).toBe('passed');
    expect(check(r, /^Arrived at /, 'R24').result).toBe('passed');
  });

  it('a step recorded after it happened says how late it was written down', async () => {
    const id = await policeIncident(h, person);
    await steps(h, id, [considered('d1'), consulted('d1'), detained('d1'), conveyed('d1')]);
    h.clock.advanceMinutes(50);
    await steps(h, id, [{ ...arrived('d1'), occurredAt: h.clock.at(-45) }]);
    const arrival = (await review('d1')).body.steps.find((s: any) => /^Arrived at /.test(s.label));
    expect(arrival.recordedAfterMinutes).toBe(45);
  });

  it('only the MH lead reads the review; an unknown detention is a 404', async () => {
    await detention('d1', { until: 'arrived' });
    expect((await review('d1', h.tokens.supervisor)).status).toBe(403);
    expect((await review('d1', h.tokens.pcc_analyst)).status).toBe(403);
    expect((await review('nope')).status).toBe(404);
  });
});

describe("the MH lead's findings: append-only", () => {
  const finding = {
    conclusion: 'concerns',
    concernRules: ['R35'],
    learningPoints: ['Escalate to the HBPoS manager at 60 minutes'],
    note: 'Officers waited 95 minutes with no agreed extended stay.',
  };

  it('records a finding, shows it on the review and counts the detention as reviewed in the list', async () => {
    await detention('late', { handoverMinutes: 95 });
    h.clock.advanceMinutes(60);
    await detention('fine');
    const list0 = (await h.request('GET', '/api/detentions', asLead)).body;
    expect(list0.reviewed).toEqual({ reviewed: 0, notReviewed: 2 });

    h.clock.set('2026-12-01T10:00:00Z');
    const r = await h.request('POST', '/api/detentions/late/findings', { token: h.tokens.mh_lead, body: finding });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      detentionId: 'late',
      conclusion: 'concerns',
      concernRules: ['R35'],
      reviewedBy: { name: 'Test mh_lead', role: 'mh_lead' },
      recordedAt: '2026-12-01T10:00:00.000Z',
    });
    expect((await review('late')).body.findings).toEqual([r.body]);
    const list = (await h.request('GET', '/api/detentions', asLead)).body;
    expect(list.reviewed).toEqual({ reviewed: 1, notReviewed: 1 });
    expect(list.items.find((d: any) => d.id === 'late').review).toEqual({
      conclusion: 'concerns',
      recordedAt: '2026-12-01T10:00:00.000Z',
    });
    const notYet = (await h.request('GET', '/api/detentions?reviewed=false', asLead)).body;
    expect(notYet.items.map((d: any) => d.id)).toEqual(['fine']);
    expect(notYet.reviewed).toEqual({ reviewed: 1, notReviewed: 1 });
  });

  it('R45 a changed view is a new finding; the first stays, and nothing can edit or delete one', async () => {
    await detention('d1', { handoverMinutes: 95 });
    const first = (await h.request('POST', '/api/detentions/d1/findings', { token: h.tokens.mh_lead, body: finding }))
      .body;
    h.clock.advanceMinutes(30);
    const second = await h.request('POST', '/api/detentions/d1/findings', {
      token: h.tokens.mh_lead,
      body: { conclusion: 'lawfulAndTimely', note: 'The NHS record shows an agreed stay; concern withdrawn.' },
    });
    expect(second.status).toBe(201);
    const findings = (await review('d1')).body.findings;
    expect(findings.map((f: any) => f.id)).toEqual([second.body.id, first.id]);
    expect((await h.request('GET', '/api/detentions', asLead)).body.items[0].review.conclusion).toBe('lawfulAndTimely');
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await h.request(method, `/api/detentions/d1/findings/${first.id}`, {
        token: h.tokens.mh_lead,
        body: method === 'DELETE' ? undefined : finding,
      });
      expect(r.status).toBe(405);
      expect(r.body.code).toBe('FINDINGS_ARE_APPEND_ONLY');
    }
    expect(() => h.db.$client.prepare("UPDATE detention_reviews SET note = 'x'").run()).toThrow(/append-only/);
    expect(() => h.db.$client.prepare('DELETE FROM detention_reviews').run()).toThrow(/append-only/);
    expect(h.count('detention_reviews')).toBe(2);
  });

  it('refuses a finding by another role, on an unknown detention, or one that makes no sense', async () => {
    await detention('d1', { until: 'arrived' });
    const post = (body: unknown, token = h.tokens.mh_lead, id = 'd1') =>
      h.request('POST', `/api/detentions/${id}/findings`, { token, body });
    expect((await post(finding, h.tokens.supervisor)).status).toBe(403);
    expect((await post(finding, h.tokens.call_handler)).status).toBe(403);
    expect((await post(finding, h.tokens.mh_lead, 'nope')).status).toBe(404);
    const bad = await post({ conclusion: 'fine' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('body.conclusion');
    expect((await post({ ...finding, concernRules: ['R99'] })).status).toBe(400);
    expect((await post({ conclusion: 'concerns' })).body.issues[0].path).toBe('body.note');
    expect((await post({ conclusion: 'lawfulAndTimely', concernRules: ['R35'] })).body.issues[0].path).toBe(
      'body.concernRules',
    );
    expect((await post({ ...finding, extra: 1 })).status).toBe(400);
    expect(h.count('detention_reviews')).toBe(0);
  });

  it('a retried finding with the same Idempotency-Key is recorded once', async () => {
    await detention('d1', { until: 'arrived' });
    const send = () =>
      h.request('POST', '/api/detentions/d1/findings', {
        token: h.tokens.mh_lead,
        body: finding,
        headers: { 'idempotency-key': 'review-d1-1' },
      });
    const a = await send();
    const b = await send();
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.body).toEqual(a.body);
    expect(h.count('detention_reviews')).toBe(1);
  });
});

describe('the list: filters, paging and CSV', () => {
  async function year() {
    h.clock.set('2026-04-10T10:00:00Z');
    await detention('april-late', { handoverMinutes: 95 });
    h.clock.set('2026-05-10T10:00:00Z');
    await detention('may-car', { noAmbulance: true, site: 'edMaidstone' });
    h.clock.set('2026-06-10T10:00:00Z');
    await detention('june-admitted', { result: 'detainedS2', until: 'outcome' });
  }
  const ids = async (query: string) =>
    (await h.request('GET', `/api/detentions?${query}`, asLead)).body.items.map((d: any) => d.id);

  it('filters by period, place of safety, outcome and the alert a detention carries', async () => {
    await year();
    expect(await ids('from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z')).toEqual(['may-car']);
    expect(await ids('firstPlaceOfSafety=edMaidstone')).toEqual(['may-car']);
    expect(await ids('firstPlaceOfSafety=healthBasedPlaceOfSafety')).toEqual(['june-admitted', 'april-late']);
    expect(await ids('outcome=dischargedWithReferral')).toEqual(['may-car', 'april-late']);
    expect(await ids('flag=R35')).toEqual(['april-late']);
    expect(await ids('flag=R34')).toEqual(['may-car']);
    expect(await ids('flag=R23')).toEqual([]);
    const items = (await h.request('GET', '/api/detentions', asLead)).body.items;
    expect(items.map((d: any) => [d.id, d.flaggedRules])).toEqual([
      ['june-admitted', []],
      ['may-car', ['R34']],
      ['april-late', ['R35']],
    ]);
    const bad = await h.request('GET', '/api/detentions?flag=R99', asLead);
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('query.flag');
  });

  it('pages with limit, cursor and nextCursor, each detention once', async () => {
    await year();
    const first = (await h.request('GET', '/api/detentions?limit=2', asLead)).body;
    expect(first.items.map((d: any) => d.id)).toEqual(['june-admitted', 'may-car']);
    expect(first.total).toBe(3);
    const second = (await h.request('GET', `/api/detentions?limit=2&cursor=${first.nextCursor}`, asLead)).body;
    expect(second.items.map((d: any) => d.id)).toEqual(['april-late']);
    expect(second.nextCursor).toBeNull();
  });

  it('CSV: every matching detention, only with a reason, logged as a disclosure with its justification', async () => {
    await year();
    const refused = await h.request('GET', '/api/detentions?format=csv', { token: h.tokens.mh_lead });
    expect(refused.status).toBe(428);
    expect(refused.body.code).toBe('ACCESS_REASON_REQUIRED');
    const csv = await h.request('GET', '/api/detentions?format=csv&limit=1&flag=R35', {
      token: h.tokens.mh_lead,
      headers: { 'x-access-reason': 'detentionReview; quarterly handover audit' },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = parse(csv.body as string, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual([...DETENTION_CSV_COLUMNS]);
    expect(rows.map((r) => [r.detentionId, r.flaggedRules, r.reviewed])).toEqual([['april-late', 'R35', 'false']]);
    const all = await h.request('GET', '/api/detentions?format=csv&limit=1', {
      token: h.tokens.mh_lead,
      headers: { 'x-access-reason': 'dataQuality' },
    });
    expect(parse(all.body as string, { columns: true })).toHaveLength(3);
    const log = h.db.$client
      .prepare(
        'SELECT outcome, kind, purpose, justification, refusal FROM access_audit ' +
          "WHERE action = 'detentions.csv' ORDER BY id",
      )
      .all();
    expect(log).toEqual([
      { outcome: 'refused', kind: 'disclosure', purpose: null, justification: null, refusal: 'ACCESS_REASON_REQUIRED' },
      {
        outcome: 'shown',
        kind: 'disclosure',
        purpose: 'detentionReview',
        justification: 'quarterly handover audit',
        refusal: null,
      },
      { outcome: 'shown', kind: 'disclosure', purpose: 'dataQuality', justification: null, refusal: null },
    ]);
  });
});

describe('the record for the IOPC or a coroner', () => {
  it('needs a reason (428), refuses an unknown reason (400) and other roles (403); each refusal logged', async () => {
    await detention('d1');
    const get = (headers: Record<string, string>, token = h.tokens.mh_lead) =>
      h.request('GET', '/api/detentions/d1/export', { token, headers });
    expect((await get({})).status).toBe(428);
    const unknown = await get({ 'x-access-reason': 'curiosity' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('ACCESS_REASON_INVALID');
    expect((await get({ 'x-access-reason': 'courtOrCoroner' }, h.tokens.supervisor)).status).toBe(403);
    const rows = h.db.$client.prepare('SELECT outcome, refusal FROM access_audit ORDER BY id').all();
    expect(rows).toEqual([
      { outcome: 'refused', refusal: 'ACCESS_REASON_REQUIRED' },
      { outcome: 'refused', refusal: 'ACCESS_REASON_INVALID' },
      { outcome: 'refused', refusal: 'ROLE_NOT_ALLOWED' },
    ]);
  });

  it('as JSON: the whole review, who exported it and why, and an access-log row with the justification', async () => {
    await detention('d1', { handoverMinutes: 95 });
    await h.request('POST', '/api/detentions/d1/findings', {
      token: h.tokens.mh_lead,
      body: { conclusion: 'concerns', concernRules: ['R35'], note: 'long wait' },
    });
    h.clock.set('2027-01-05T14:00:00Z');
    const r = await h.request('GET', '/api/detentions/d1/export', {
      token: h.tokens.mh_lead,
      headers: { 'x-access-reason': 'courtOrCoroner; inquest touching the death of the detained person' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="detention-d1.json"');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toMatchObject({
      force: { name: 'Kent Police', code: 'KENT' },
      exportedAt: '2027-01-05T14:00:00.000Z',
      exportedBy: { name: 'Test mh_lead', role: 'mh_lead' },
      purpose: 'courtOrCoroner',
      purposeLabel: 'Court or coroner',
      justification: 'inquest touching the death of the detained person',
      detention: { id: 'd1', outcome: 'dischargedWithReferral' },
      findings: [expect.objectContaining({ conclusion: 'concerns' })],
    });
    expect(r.body.rules.find((x: any) => x.rule === 'R35').result).toBe('flagged');
    const row = h.db.$client
      .prepare(
        'SELECT id, user_id AS userId, role, kind, purpose, justification, recipient, params, at FROM access_audit ' +
          "WHERE action = 'detention.export'",
      )
      .get() as Record<string, string>;
    expect(row).toMatchObject({
      role: 'mh_lead',
      kind: 'disclosure',
      purpose: 'courtOrCoroner',
      justification: 'inquest touching the death of the detained person',
      recipient: `user:${row.userId}`,
      at: '2027-01-05T14:00:00.000Z',
    });
    expect(JSON.parse(row.params ?? 'null')).toEqual({ format: 'json' });
    const records = h.db.$client
      .prepare('SELECT record_type AS type, record_id AS id FROM access_audit_records WHERE audit_id = ? ORDER BY 1')
      .all(row.id);
    expect(records).toEqual([
      { type: 'detention', id: 'd1' },
      { type: 'incident', id: r.body.detention.incidentId },
    ]);
  });

  it('R45 as a printable page: the marking top and bottom, each rule with its result, its own style', async () => {
    await detention('d1', { noAmbulance: true });
    const r = await h.request('GET', '/api/detentions/d1/export?format=html', {
      token: h.tokens.mh_lead,
      headers: { 'x-access-reason': 'complaintOrIopc; IOPC referral 2026/123' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.headers.get('content-security-policy')).toContain("style-src 'unsafe-inline'");
    const html = r.body as string;
    expect(html.match(/class="marking">OFFICIAL-SENSITIVE</g)).toHaveLength(2);
    expect(html).toContain('R34');
    expect(html).toContain('No ambulance requested is flagged');
    expect(html).toContain('Complaint or IOPC referral — IOPC referral 2026/123');
    expect(html).not.toContain('<script');
  });
});
