/**
 * The incident API as a control-room client uses it: create, read back with timeline, list with
 * filters and pages, OpenAPI document and docs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { answer, close, createIncident, decision, dispatch, grade, referral, steps, thrive } from '../support/flows.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.close());

describe('incidents API', () => {
  it('creates an incident: 201, Location, ETag "1", state new and the allowed events', async () => {
    const r = await h.request('POST', '/api/incidents', {
      body: {
        receivedAt: h.clock.at(-3),
        reference: 'KENT-01',
        channel: 'partnerAgency',
        category: 'walkOutFromHealthcare',
        district: 'Canterbury',
        mhFlagAtCall: true,
        location: 'Kent & Canterbury ED',
      },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/api/incidents/${r.body.id}`);
    expect(r.headers.get('etag')).toBe('"1"');
    expect(r.body).toMatchObject({
      version: 1,
      state: 'new',
      status: 'open',
      reference: 'KENT-01',
      rcrpInScope: true,
      // IMMEDIATE_GRADE_SET: the default force's G1 is immediate (R1a).
      allowedEvents: [
        'CALL_HANDLING_RECORDED',
        'IMMEDIATE_GRADE_SET',
        'NEW_INFORMATION',
        'SUBJECT_RECORDED',
        'THRIVE_RECORDED',
      ],
    });
  });

  it('reads back the full timeline in order with actor, occurredAt and recordedAt', async () => {
    const id = await createIncident(h);
    h.clock.advanceMinutes(2);
    await steps(h, id, [thrive(), grade('G2'), decision('handover'), referral('r1')]);
    h.clock.advanceMinutes(20);
    await steps(h, id, [answer('r1', 'accepted'), close()]);
    const got = await h.request('GET', `/api/incidents/${id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"7"');
    expect(got.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'INCIDENT_CREATED',
      'THRIVE_RECORDED',
      'GRADE_SET',
      'RCRP_DECISION_RECORDED',
      'REFERRAL_MADE',
      'REFERRAL_ANSWERED',
      'INCIDENT_CLOSED',
    ]);
    const t = got.body.timeline;
    expect(t[0].recordedAt).toBe('2026-11-23T09:00:00.000Z');
    expect(t[0].occurredAt).toBe('2026-11-23T08:50:00.000Z');
    expect(t[5].recordedAt).toBe('2026-11-23T09:22:00.000Z');
    expect(t[2].data.gradePolicy).toMatchObject({ label: 'Priority' }); // the policy in force is kept with the event
    expect(got.body.referrals).toMatchObject([{ id: 'r1', agency: 'kmptSpoa', status: 'accepted' }]);
    expect(got.body.state).toBe('closed');
  });

  it('lists incidents newest first with filters and cursor pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      h.clock.advanceMinutes(10);
      ids.push(
        await createIncident(h, {
          category: i % 2 ? 'suicideSelfHarmConcern' : 'concernForWelfare',
          receivedAt: h.clock.at(-1),
        }),
      );
    }
    await steps(h, ids[6]!, [thrive(), grade('G1')]);
    const all = await h.request('GET', '/api/incidents?limit=3');
    expect(all.body.total).toBe(7);
    expect(all.body.items.map((i: { id: string }) => i.id)).toEqual([ids[6], ids[5], ids[4]]);
    const next = await h.request('GET', `/api/incidents?limit=3&cursor=${all.body.nextCursor}`);
    expect(next.body.items.map((i: { id: string }) => i.id)).toEqual([ids[3], ids[2], ids[1]]);
    const last = await h.request('GET', `/api/incidents?limit=3&cursor=${next.body.nextCursor}`);
    expect(last.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    expect(last.body.nextCursor).toBeNull();

    expect((await h.request('GET', '/api/incidents?category=suicideSelfHarmConcern')).body.total).toBe(3);
    expect((await h.request('GET', '/api/incidents?state=graded')).body.items.map((i: { id: string }) => i.id)).toEqual(
      [ids[6]],
    );
    expect((await h.request('GET', '/api/incidents?grade=G1')).body.total).toBe(1);
    const window = await h.request(
      'GET',
      `/api/incidents?from=${encodeURIComponent('2026-11-23T09:19:00Z')}` +
        `&to=${encodeURIComponent('2026-11-23T09:39:00Z')}`,
    );
    expect(window.body.items.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    expect((await h.request('GET', '/api/incidents?cursor=garbage')).status).toBe(400);
    expect((await h.request('GET', '/api/incidents?limit=5000')).status).toBe(400);
  });

  it('never returns person keys or identifiers', async () => {
    const id = await createIncident(h, {
      subject: {
        identifiers: { nhsNumber: '9434765919', name: 'Sam Example', dateOfBirth: '1990-02-03' },
        gender: 'male',
      },
    });
    const got = await h.request('GET', `/api/incidents/${id}`);
    const text = JSON.stringify(got.body);
    expect(text).not.toMatch(/pk_|9434765919|Sam Example|1990-02-03|personKey/);
    expect(got.body.subject).toEqual({
      ageYears: 36,
      ageBand: '35to44',
      gender: 'male',
      ethnicity: 'notStated',
      ethnicityBasis: 'notKnown',
      legalStatus: null,
    });
  });

  it('publishes an OpenAPI 3.1 document covering every route, with the event union and the problem shape', async () => {
    const doc = (await h.request('GET', '/api/openapi.json', { token: null })).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/agencies',
      '/api/agencies/import',
      '/api/agencies/{code}',
      '/api/agencies/{code}/history',
      '/api/alerts',
      '/api/alerts/unacknowledged',
      '/api/alerts/{id}/acknowledgements',
      '/api/alerts/{id}/escalations',
      '/api/audit/access',
      '/api/audit/handovers',
      '/api/audit/place-of-safety-handovers',
      '/api/config',
      '/api/detentions',
      '/api/detentions/{id}',
      '/api/detentions/{id}/export',
      '/api/detentions/{id}/findings',
      '/api/detentions/{id}/review',
      '/api/incidents',
      '/api/incidents/{id}',
      '/api/incidents/{id}/events',
      '/api/incidents/{id}/high-intensity',
      '/api/reports/demand',
      '/api/reports/evidence-pack',
      '/api/reports/incident-volumes',
      '/api/reports/workbook',
      '/api/returns/adr',
      '/api/stream',
      '/healthz',
    ]);
    const schemas = Object.keys(doc.components.schemas);
    expect(schemas).toEqual(
      expect.arrayContaining([
        'IncidentEventInput',
        'ThriveRecorded',
        'RcrpDecisionRecorded',
        'Incident',
        'Problem',
        'CreateIncident',
        'ReferralMade',
        'ReferralEscalated',
        'Referral',
        'Agency',
        'Handover',
      ]),
    );
    expect(doc.paths['/api/incidents/{id}/events'].post.responses).toHaveProperty('422');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves the docs page with its own Swagger UI assets (no CDN)', async () => {
    const page = await h.request('GET', '/docs', { token: null });
    expect(page.body).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(page.body).not.toMatch(/unpkg|cdn/i);
    const js = await h.request('GET', '/docs/assets/swagger-ui-bundle.js', { token: null });
    expect(js.status).toBe(200);
    expect(String(js.body).length).toBeGreaterThan(100_000);
    const landing = await h.request('GET', '/', { token: null });
    expect(landing.body).toContain('Kent Police');
    expect(landing.body).toContain('href="/docs"');
  });

  it('GET /api/config returns the force codes but not internal alert addresses', async () => {
    const c = (await h.request('GET', '/api/config')).body;
    expect(c.grades.map((g: { code: string }) => g.code)).toEqual(['G1', 'G2', 'G3', 'G4', 'G5']);
    expect(c).not.toHaveProperty('alerts');
  });

  it('dispatch and joint response show up in the incident view', async () => {
    const id = await createIncident(h);
    const last = await steps(h, id, [
      thrive(),
      grade('G1'),
      decision('jointResponse', { riskOfSeriousHarm: true }),
      dispatch('KM21'),
      referral('r9', { agency: 'secamb' }),
    ]);
    expect(last).toMatchObject({
      state: 'jointResponse',
      resourcesDispatched: 1,
      rcrpDecision: { decision: 'jointResponse' },
    });
    expect(last.firstDispatchedAt).toBe(h.clock.at());
  });
});
