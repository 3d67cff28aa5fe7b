/**
 * The most sensitive cells of the access matrix, written out by hand (not generated from the policy
 * module, so that a wrong policy cannot pass by agreeing with itself): what the PCC analyst, the
 * administrator, the auditor and the officer must never be able to do, and the few things only one
 * role may do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness } from '../support/harness.js';
import { createIncident, decision, grade, thrive } from '../support/flows.js';
import { browserRequest, signInWithToken } from '../support/sessions.js';

const h = createHarness({ start: '2026-11-23T21:00:00Z' });
let id = '';
beforeAll(async () => {
  id = await createIncident(h);
  for (const e of [thrive(), grade('G2')]) expect((await h.event(id, e)).status).toBe(200);
});
afterAll(() => h.close());

const override = { name: 'Sgt A Patel', rank: 'sergeant', reason: 'welfare check needed before handover' };
const rcrpOverride = () => decision('handover', { riskToLife: true, override });
const s136 = {
  type: 'S136_CONSIDERED',
  detentionId: 'd1',
  officer: { name: 'PC 1', role: 'constable' },
};

const CELLS: Array<{
  cell: string;
  role: 'call_handler' | 'supervisor' | 'officer' | 'mh_lead' | 'pcc_analyst' | 'auditor' | 'admin';
  call: () => [string, string, unknown?];
  status: number;
}> = [
  {
    cell: 'the PCC analyst reads an incident',
    role: 'pcc_analyst',
    call: () => ['GET', `/api/incidents/${id}`],
    status: 403,
  },
  { cell: 'the PCC analyst lists incidents', role: 'pcc_analyst', call: () => ['GET', '/api/incidents'], status: 403 },
  {
    cell: 'the PCC analyst records a s.136 detention',
    role: 'pcc_analyst',
    call: () => ['POST', `/api/incidents/${id}/events`, s136],
    status: 403,
  },
  {
    cell: 'the PCC analyst lists detentions',
    role: 'pcc_analyst',
    call: () => ['GET', '/api/detentions'],
    status: 403,
  },
  { cell: 'the PCC analyst reads alerts', role: 'pcc_analyst', call: () => ['GET', '/api/alerts'], status: 403 },
  {
    cell: 'the PCC analyst downloads the record-level ADR CSV',
    role: 'pcc_analyst',
    call: () => ['GET', '/api/returns/adr?year=2026-27&format=csv&table=records'],
    status: 403,
  },
  {
    cell: 'the PCC analyst reads the handover audit',
    role: 'pcc_analyst',
    call: () => ['GET', '/api/audit/handovers'],
    status: 403,
  },
  {
    cell: 'the administrator reads an incident',
    role: 'admin',
    call: () => ['GET', `/api/incidents/${id}`],
    status: 403,
  },
  {
    cell: 'the administrator reads the handover audit',
    role: 'admin',
    call: () => ['GET', '/api/audit/handovers'],
    status: 403,
  },
  { cell: 'the auditor reads the access log', role: 'auditor', call: () => ['GET', '/api/audit/access'], status: 200 },
  { cell: 'the auditor reads an incident', role: 'auditor', call: () => ['GET', `/api/incidents/${id}`], status: 403 },
  { cell: 'the MH lead reads the access log', role: 'mh_lead', call: () => ['GET', '/api/audit/access'], status: 403 },
  {
    cell: 'the administrator reads the access log',
    role: 'admin',
    call: () => ['GET', '/api/audit/access'],
    status: 403,
  },
  {
    cell: 'R9 the officer records a supervisor override',
    role: 'officer',
    call: () => ['POST', `/api/incidents/${id}/events`, rcrpOverride()],
    status: 403,
  },
  {
    cell: 'R9 the call handler records a supervisor override',
    role: 'call_handler',
    call: () => ['POST', `/api/incidents/${id}/events`, rcrpOverride()],
    status: 403,
  },
  {
    cell: 'the MH lead downloads the record-level ADR CSV',
    role: 'mh_lead',
    call: () => ['GET', '/api/returns/adr?year=2026-27&format=csv&table=records'],
    status: 200,
  },
  {
    cell: 'the officer reads an open incident',
    role: 'officer',
    call: () => ['GET', `/api/incidents/${id}`],
    status: 200,
  },
];

describe('the most sensitive cells of the matrix', () => {
  it.each(CELLS)('$cell → $status', async ({ role, call, status }) => {
    const [method, path, body] = call();
    const headers: Record<string, string> = {};
    if (method === 'POST')
      headers['if-match'] = `"${h.db.$client.prepare('SELECT version FROM incidents WHERE id = ?').pluck().get(id)}"`;
    const r = await h.request(method, path, {
      token: h.tokens[role],
      headers,
      ...(body ? { body: { occurredAt: h.clock.at(), ...(body as object) } } : {}),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    if (status === 403) expect(r.body.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('R9 the supervisor may record the override the others may not', async () => {
    const r = await h.event(id, rcrpOverride(), { token: h.tokens.supervisor });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });

  it('R44 the PCC analyst gets the demand report, always suppressed, even asking for it unsuppressed', async () => {
    const r = await h.request('GET', '/api/reports/demand?from=2026-04-01&to=2026-11-30&suppress=false', {
      token: h.tokens.pcc_analyst,
    });
    expect(r.status).toBe(200);
    expect(r.body.suppression.applied).toBe(true);
  });

  it('on the pages: the PCC analyst opens /reports; a call handler is refused; nobody signed out gets in', async () => {
    const pcc = (await signInWithToken(h, h.tokens.pcc_analyst)).cookie;
    expect((await browserRequest(h, 'GET', '/reports', { cookie: pcc })).status).toBe(200);
    const handler = (await signInWithToken(h, h.tokens.call_handler)).cookie;
    expect((await browserRequest(h, 'GET', '/reports', { cookie: handler })).status).toBe(403);
    const none = await browserRequest(h, 'GET', '/reports');
    expect(none.status).toBe(303);
    expect(none.headers.get('location')).toBe('/sign-in?next=%2Freports');
  });
});
