/**
 * Acknowledging and escalating alerts: who, when and the note are recorded append-only; the alert
 * list shows them; the unacknowledged alerts on open incidents are counted for every screen's badge;
 * only the roles the policy matrix allows may do it; and none of it makes an incident's form stale.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rebuildProjections } from '../../src/commands/rebuild.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  arrived,
  considered,
  consulted,
  conveyed,
  detained,
  gradedIncident,
  policeIncident,
  steps,
} from '../support/flows.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-11-23T09:00:00Z' });
});
afterEach(() => h.close());

/** A graded incident left unresourced past its R6 clock: one warning alert. Returns the incident and alert ids. */
async function unresourced(): Promise<{ id: string; alertId: string }> {
  const id = await gradedIncident(h);
  h.clock.advanceMinutes(41);
  expect(sweepDeadlines(h.deps).fired).toBe(1);
  const alerts = (await h.request('GET', `/api/alerts?incidentId=${id}`)).body.items;
  expect(alerts).toHaveLength(1);
  return { id, alertId: alerts[0].id };
}

const ack = (alertId: string, body: Record<string, unknown> = {}, token?: string, key?: string) =>
  h.request('POST', `/api/alerts/${encodeURIComponent(alertId)}/acknowledgements`, {
    body,
    ...(token ? { token } : {}),
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });
const escalate = (alertId: string, body: Record<string, unknown>, token = h.tokens.supervisor) =>
  h.request('POST', `/api/alerts/${encodeURIComponent(alertId)}/escalations`, { body, token });

describe('acknowledging an alert', () => {
  it('records who, when and the note; the list shows it and can list only the unacknowledged', async () => {
    const { alertId } = await unresourced();
    const before = (await h.request('GET', '/api/alerts?acknowledged=false')).body.items;
    expect(before.map((a: { id: string }) => a.id)).toEqual([alertId]);
    expect(before[0]).toMatchObject({ acknowledgement: null, escalations: [] });

    h.clock.advanceMinutes(2);
    const r = await ack(alertId, { note: 'resource being found: KM21 clearing a job' }, h.tokens.dispatcher);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      alertId,
      action: 'acknowledged',
      by: { role: 'dispatcher' },
      at: h.clock.at(),
      note: 'resource being found: KM21 clearing a job',
    });

    const listed = (await h.request('GET', `/api/alerts?acknowledged=true`)).body.items;
    expect(listed).toHaveLength(1);
    expect(listed[0].acknowledgement).toEqual({
      by: { id: r.body.by.id, name: 'Test dispatcher', role: 'dispatcher' },
      at: h.clock.at(),
      note: 'resource being found: KM21 clearing a job',
    });
    expect((await h.request('GET', '/api/alerts?acknowledged=false')).body.items).toEqual([]);
  });

  it('is recorded once: a second acknowledgement is 409 naming who acknowledged it and when', async () => {
    const { alertId } = await unresourced();
    expect((await ack(alertId, {}, h.tokens.call_handler)).status).toBe(201);
    const again = await ack(alertId, { note: 'seen' }, h.tokens.supervisor);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALERT_ALREADY_ACKNOWLEDGED');
    expect(again.body.detail).toContain('Test call_handler');
    expect(h.count('alert_actions')).toBe(1);
  });

  it('a retry with the same Idempotency-Key gets the first answer and records nothing more', async () => {
    const { alertId } = await unresourced();
    const first = await ack(alertId, { note: 'on it' }, undefined, 'ack-1');
    h.clock.advanceMinutes(1);
    const retry = await ack(alertId, { note: 'on it' }, undefined, 'ack-1');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(h.count('alert_actions')).toBe(1);
  });

  it('is refused for roles the policy does not allow (officer, mh_lead, pcc_analyst, auditor, admin)', async () => {
    const { alertId } = await unresourced();
    for (const role of ['officer', 'mh_lead', 'pcc_analyst', 'auditor', 'admin'] as const) {
      const r = await ack(alertId, {}, h.tokens[role]);
      expect(r.status, role).toBe(403);
      expect(r.body.detail).toContain('alerts: acknowledge');
    }
    expect(h.count('alert_actions')).toBe(0);
  });

  it('an unknown alert is 404 and an unknown field 400; nothing is written', async () => {
    const { alertId } = await unresourced();
    expect((await ack('no-such-alert')).status).toBe(404);
    const bad = await ack(alertId, { note: 'x', seenBy: 'me' });
    expect(bad.status).toBe(400);
    expect((await ack(alertId, { note: '' })).status).toBe(400);
    expect(h.count('alert_actions')).toBe(0);
  });

  it("does not change the incident's version (no one's form goes stale) and survives a rebuild", async () => {
    const { id, alertId } = await unresourced();
    const read = await h.request('GET', `/api/incidents/${id}`);
    expect((await ack(alertId, { note: 'noted' }, h.tokens.supervisor)).status).toBe(201);
    expect((await escalate(alertId, { to: 'duty inspector', level: 2 })).status).toBe(201);
    const write = await h.event(
      id,
      { type: 'NEW_INFORMATION', summary: 'caller rang again', source: 'caller' },
      {
        version: read.body.version,
      },
    );
    expect(write.status).toBe(200);
    rebuildProjections(h.db);
    const listed = (await h.request('GET', `/api/alerts?incidentId=${id}`)).body.items[0];
    expect(listed.acknowledgement.note).toBe('noted');
    expect(listed.escalations).toHaveLength(1);
  });

  it('the records are append-only: the database refuses to change or delete them', async () => {
    const { alertId } = await unresourced();
    await ack(alertId, { note: 'seen' });
    const db = h.db.$client;
    expect(() => db.prepare(`UPDATE alert_actions SET note = 'changed'`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM alert_actions').run()).toThrow(/append-only/);
  });
});

describe('escalating an alert', () => {
  it('a supervisor escalates to someone at a level with a note; each escalation is listed, oldest first', async () => {
    const { alertId } = await unresourced();
    const first = await escalate(alertId, { to: 'district sergeant', level: 1, note: 'no unit free in Maidstone' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      action: 'escalated',
      to: 'district sergeant',
      level: 1,
      by: { role: 'supervisor' },
    });
    h.clock.advanceMinutes(10);
    expect((await escalate(alertId, { to: 'duty inspector' })).status).toBe(201);
    const listed = (await h.request('GET', `/api/alerts?rule=R6`)).body.items[0];
    expect(listed.escalations).toEqual([
      {
        by: { id: first.body.by.id, name: 'Test supervisor', role: 'supervisor' },
        at: first.body.at,
        to: 'district sergeant',
        level: 1,
        note: 'no unit free in Maidstone',
      },
      expect.objectContaining({ to: 'duty inspector', level: null, note: null, at: h.clock.at() }),
    ]);
    // Escalating is not acknowledging.
    expect(listed.acknowledgement).toBeNull();
  });

  it('only a supervisor may escalate; a missing recipient is 400', async () => {
    const { alertId } = await unresourced();
    for (const role of ['call_handler', 'dispatcher', 'officer', 'mh_lead'] as const) {
      expect((await escalate(alertId, { to: 'duty inspector' }, h.tokens[role])).status, role).toBe(403);
    }
    expect((await escalate(alertId, { level: 1 })).status).toBe(400);
    expect(h.count('alert_actions')).toBe(0);
  });
});

describe('unacknowledged alerts on every screen', () => {
  it('are counted by severity on open incidents; a critical one is listed until someone acknowledges it', async () => {
    await unresourced();
    // A s.136 detention whose 24 h (from arrival at the place of safety) pass with no outcome: warnings, then
    // the critical lapse alert.
    const id = await policeIncident(h, { reference: 'KENT-LAPSE' });
    await steps(h, id, [considered('d1'), consulted('d1'), detained('d1'), conveyed('d1'), arrived('d1')]);
    h.clock.advanceMinutes(25 * 60);
    while (sweepDeadlines(h.deps).fired > 0);
    const counts = (await h.request('GET', '/api/alerts/unacknowledged')).body;
    expect(counts.critical).toBe(1);
    expect(counts.total).toBe(counts.critical + counts.warning + counts.info);
    const critical = (await h.request('GET', '/api/alerts?severity=critical&acknowledged=false&incidentStatus=open'))
      .body.items;
    expect(critical).toHaveLength(1);
    expect(critical[0]).toMatchObject({ incidentId: id, rule: 'R23', severity: 'critical' });
    expect((await ack(critical[0].id, { note: 'inspector informed' }, h.tokens.supervisor)).status).toBe(201);
    const after = (await h.request('GET', '/api/alerts/unacknowledged')).body;
    expect(after).toEqual({ ...counts, critical: 0, total: counts.total - 1 });
  });
});
