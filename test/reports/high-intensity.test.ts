/**
 * R41: the high-intensity marker is computed from the incidents about a person (pseudonymous keys),
 * never typed in; only the configured roles may see it, and every view is audited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { createIncident } from '../support/flows.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-11-23T12:00:00Z' });
});
afterEach(() => h.close());

const person = { identifiers: { forcePersonId: 'KP-4471' }, ageYears: 41 };

describe('R41 high-intensity marker', () => {
  it('R41 is computed: at least N incidents about the person within W days of the call (default 5 in 90)', async () => {
    const ids: string[] = [];
    // Five incidents about the same person over ~80 days, and one 200 days earlier (outside the window).
    for (const daysAgo of [200, 80, 60, 40, 20, 1])
      ids.push(await createIncident(h, { receivedAt: h.clock.at(-daysAgo * 1440), subject: person }));
    const marker = async (id: string) =>
      (await h.request('GET', `/api/incidents/${id}/high-intensity`, { token: h.tokens.mh_lead })).body;
    expect(await marker(ids[4]!)).toMatchObject({
      highIntensity: false,
      incidentsInWindow: 4,
      minIncidents: 5,
      windowDays: 90,
    });
    expect(await marker(ids[5]!)).toMatchObject({ highIntensity: true, incidentsInWindow: 5 });
    const anon = await createIncident(h, {});
    expect(await marker(anon)).toMatchObject({ highIntensity: null, reason: 'the subject is not identified' });
  });

  it('R41 is never typed in: a marker sent with an incident or event is refused (400), nothing written', async () => {
    const before = h.count('incident_events');
    const r = await h.request('POST', '/api/incidents', {
      body: {
        receivedAt: h.clock.at(-5),
        channel: '999',
        category: 'concernForWelfare',
        mhFlagAtCall: true,
        highIntensity: true,
      },
    });
    expect(r.status).toBe(400);
    const id = await createIncident(h, { subject: person });
    const e = await h.event(id, { type: 'SUBJECT_RECORDED', subject: { ...person, highIntensity: true } });
    expect(e.status).toBe(400);
    expect(h.count('incident_events')).toBe(before + 1);
  });

  it('R41 access is role-restricted and every view is audited with the incident looked at', async () => {
    const id = await createIncident(h, { subject: person });
    for (const role of ['call_handler', 'dispatcher', 'pcc_analyst'] as const) {
      const r = await h.request('GET', `/api/incidents/${id}/high-intensity`, { token: h.tokens[role] });
      expect(r.status, role).toBe(403);
    }
    expect((await h.request('GET', `/api/incidents/${id}/high-intensity`, { token: h.tokens.supervisor })).status).toBe(
      200,
    );
    expect((await h.request('GET', '/api/incidents/nope/high-intensity', { token: h.tokens.supervisor })).status).toBe(
      404,
    );
    const rows = h.db.$client
      .prepare('SELECT role, action, incident_id AS incidentId, outcome FROM access_audit ORDER BY id')
      .all();
    expect(rows).toEqual([
      { role: 'call_handler', action: 'incident.highIntensity', incidentId: id, outcome: 'refused' },
      { role: 'dispatcher', action: 'incident.highIntensity', incidentId: id, outcome: 'refused' },
      { role: 'pcc_analyst', action: 'incident.highIntensity', incidentId: id, outcome: 'refused' },
      { role: 'supervisor', action: 'incident.highIntensity', incidentId: id, outcome: 'shown' },
    ]);
    // The incident view itself carries no marker.
    const v = await h.request('GET', `/api/incidents/${id}`, { token: h.tokens.supervisor });
    expect(JSON.stringify(v.body)).not.toMatch(/highIntensity/i);
  });
});
