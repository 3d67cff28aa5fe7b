/**
 * The statutory clock (R21, R23, R28, R7): deadline rows swept with the manual clock. Each alert is
 * raised exactly once, shows on the incident timeline, the detention's legal timeline and
 * GET /api/alerts, and is emailed through a real SMTP server when mail is configured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deliverDueMail } from '../../src/mail/outbox-worker.js';
import { createTransport } from '../../src/mail/transport.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  arrived,
  considered,
  consulted,
  conveyed,
  detained,
  extension,
  outcome,
  policeIncident,
  steps,
} from '../support/flows.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

let h: Harness;
let smtp: TestSmtp | null = null;
afterEach(async () => {
  await h.close();
  await smtp?.close();
  smtp = null;
});

/** A detention that arrives at the HBPoS at `arrival` (the clock start). */
async function running(arrival: string, detentionId = 'd1', incident: Record<string, unknown> = {}) {
  const t = Date.parse(arrival);
  h.clock.set(new Date(t - 60 * 60_000).toISOString());
  const id = await policeIncident(h, { reference: `KENT-${detentionId}`, ...incident });
  h.clock.set(new Date(t - 45 * 60_000).toISOString());
  await steps(h, id, [considered(detentionId), consulted(detentionId), detained(detentionId), conveyed(detentionId)]);
  h.clock.set(arrival);
  await steps(h, id, [arrived(detentionId)]);
  return id;
}

const clockRows = (id: string) =>
  h.db.$client
    .prepare(
      `SELECT key, due_at AS dueAt, status FROM deadlines WHERE incident_id = ? AND rule = 'R23' ORDER BY due_at`,
    )
    .all(id) as Array<{ key: string; dueAt: string; status: string }>;

describe('s.136 clock, warnings and the lapse alert', () => {
  it(
    'R23 warns at T−6 h and T−2 h, then raises exactly one critical alert at expiry with no outcome, however often ' +
      'the sweeper runs',
    async () => {
      smtp = await startSmtp();
      h = createHarness({
        start: '2026-11-23T20:00:00Z',
        mailEnabled: true,
        config: (c) => ({ ...c, alerts: { emailTo: { inspector: 'duty-inspector@kent.police.test' } } }),
      });
      const id = await running('2026-11-23T21:55:00Z');
      expect(clockRows(id)).toEqual([
        { key: 'detention:d1:R23:warning:360:0', dueAt: '2026-11-24T15:55:00.000Z', status: 'pending' },
        { key: 'detention:d1:R23:warning:120:0', dueAt: '2026-11-24T19:55:00.000Z', status: 'pending' },
        { key: 'detention:d1:R23:expiry:0', dueAt: '2026-11-24T21:55:00.000Z', status: 'pending' },
      ]);
      const critical = async () =>
        (await h.request('GET', '/api/alerts?severity=critical&incidentStatus=open')).body.items;
      // Sweep every 15 minutes for 30 hours, as the server would (more often, in fact).
      for (let i = 0; i < 120; i++) {
        h.clock.advanceMinutes(15);
        sweepDeadlines(h.deps);
        if (h.clock.at() < '2026-11-24T21:55:00.000Z') expect(await critical()).toEqual([]);
      }
      const items = await critical();
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        incidentId: id,
        rule: 'R23',
        severity: 'critical',
        notify: 'inspector',
        raisedAt: '2026-11-24T21:55:00.000Z',
        incidentReference: 'KENT-d1',
      });
      expect(items[0].message).toContain('detention authority lapsed');
      const warnings = (await h.request('GET', `/api/alerts?rule=R23&severity=warning&incidentId=${id}`)).body.items;
      expect(warnings.map((w: { raisedAt: string }) => w.raisedAt).sort()).toEqual([
        '2026-11-24T15:55:00.000Z',
        '2026-11-24T19:55:00.000Z',
      ]);
      expect(clockRows(id).map((r) => r.status)).toEqual(['fired', 'fired', 'fired']);

      // On the incident timeline (by the system) and the detention's legal timeline.
      const incident = (await h.request('GET', `/api/incidents/${id}`)).body;
      const fired = incident.timeline.filter(
        (e: { type: string; data: { deadlineKey: string } }) =>
          e.type === 'DEADLINE_REACHED' && e.data.deadlineKey === 'detention:d1:R23:expiry:0',
      );
      expect(fired).toHaveLength(1);
      expect(fired[0].actor).toMatchObject({ id: 'system', role: 'system' });
      const d = (await h.request('GET', '/api/detentions/d1')).body;
      expect(d).toMatchObject({ status: 'lapsed', expired: true, clock: { lapsedAt: '2026-11-24T21:55:00.000Z' } });
      expect(d.timeline.filter((e: { type: string }) => e.type === 'DEADLINE_REACHED').length).toBeGreaterThanOrEqual(
        3,
      );
      expect(d.flags.filter((f: { severity: string }) => f.severity === 'critical')).toHaveLength(1);

      // Emailed once each (warnings and the critical alert go to the inspector), and never twice.
      const transport = createTransport({ url: smtp.url, from: 'mh-triage@kent.police.test', ignoreTLS: true });
      const sent = await deliverDueMail(h.db, h.clock, transport, { from: 'mh-triage@kent.police.test' });
      expect(sent).toEqual({ sent: 3, failed: 0 });
      expect((await deliverDueMail(h.db, h.clock, transport, { from: 'mh-triage@kent.police.test' })).sent).toBe(0);
      const criticalMail = smtp.messages.filter((m) => m.subject === '[CRITICAL] R23 on incident KENT-d1');
      expect(criticalMail).toHaveLength(1);
      expect((criticalMail[0]!.to as { text: string }).text).toBe('duty-inspector@kent.police.test');
      expect(criticalMail[0]!.text).toContain('lapsed');
      expect(criticalMail[0]!.text).not.toContain('bridge'); // no free text from the record
    },
  );

  it('R7 across the BST→GMT change the permitted period is still exactly 86,400 s', async () => {
    // Clocks go back at 02:00 BST on Sunday 25 October 2026. Arrival 23:30 BST on the 24th.
    h = createHarness({ start: '2026-10-24T21:00:00Z' });
    const id = await running('2026-10-24T22:30:00Z');
    const d = (await h.request('GET', '/api/detentions/d1')).body;
    expect(d.clockStart).toBe('2026-10-24T22:30:00.000Z');
    expect(d.expiresAt).toBe('2026-10-25T22:30:00.000Z');
    expect((Date.parse(d.expiresAt) - Date.parse(d.clockStart)) / 1000).toBe(86_400);
    const local = (iso: string) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      }).format(new Date(iso));
    expect([local(d.clockStart), local(d.expiresAt)]).toEqual(['23:30 BST', '22:30 GMT']);
    // The lapse alert fires at that instant, not an hour later by the wall clock.
    h.clock.set('2026-10-25T22:29:59Z');
    sweepDeadlines(h.deps);
    expect((await h.request('GET', `/api/alerts?severity=critical&incidentId=${id}`)).body.items).toHaveLength(0);
    h.clock.set('2026-10-25T22:30:00Z');
    sweepDeadlines(h.deps);
    expect((await h.request('GET', `/api/alerts?severity=critical&incidentId=${id}`)).body.items).toHaveLength(1);
  });

  it(
    'R28 an extension moves the expiry and its warnings; warnings already given are not repeated and only the new ' +
      'expiry alerts',
    async () => {
      h = createHarness({ start: '2026-11-23T20:00:00Z' });
      const id = await running('2026-11-23T21:55:00Z');
      h.clock.set('2026-11-24T20:00:00Z');
      sweepDeadlines(h.deps); // both warnings for the original expiry fire
      await steps(h, id, [extension('d1', { hours: 6 })]);
      expect(clockRows(id)).toEqual([
        { key: 'detention:d1:R23:warning:360:1', dueAt: '2026-11-24T21:55:00.000Z', status: 'pending' },
        { key: 'detention:d1:R23:warning:120:1', dueAt: '2026-11-25T01:55:00.000Z', status: 'pending' },
        { key: 'detention:d1:R23:expiry:1', dueAt: '2026-11-25T03:55:00.000Z', status: 'pending' },
      ]);
      h.clock.set('2026-11-24T22:00:00Z');
      sweepDeadlines(h.deps);
      expect((await h.request('GET', `/api/alerts?severity=critical&incidentId=${id}`)).body.items).toHaveLength(0);
      h.clock.set('2026-11-25T04:00:00Z');
      for (let i = 0; i < 5; i++) sweepDeadlines(h.deps);
      const all = (await h.request('GET', `/api/alerts?rule=R23&incidentId=${id}`)).body.items as Array<{
        severity: string;
        raisedAt: string;
      }>;
      expect(all.filter((a) => a.severity === 'warning')).toHaveLength(4);
      expect(all.filter((a) => a.severity === 'critical').map((a) => a.raisedAt)).toEqual(['2026-11-25T03:55:00.000Z']);
    },
  );

  it('R23 warning offsets come from configuration; an outcome before expiry stops every clock', async () => {
    h = createHarness({
      start: '2026-11-23T20:00:00Z',
      config: (c) => ({ ...c, s136: { ...c.s136, clockWarningsMinutesBeforeExpiry: [180, 30] } }),
    });
    const id = await running('2026-11-23T21:55:00Z');
    expect(clockRows(id).map((r) => r.dueAt)).toEqual([
      '2026-11-24T18:55:00.000Z',
      '2026-11-24T21:25:00.000Z',
      '2026-11-24T21:55:00.000Z',
    ]);
    h.clock.set('2026-11-24T01:00:00Z');
    await steps(h, id, [
      outcome('d1', 'dischargedWithReferral', {
        doctorExaminedAt: '2026-11-24T00:30:00Z',
        amhpInterviewedAt: '2026-11-24T00:50:00Z',
      }),
    ]);
    expect(h.db.$client.prepare('SELECT count(*) FROM deadlines WHERE incident_id = ?').pluck().get(id)).toBe(0);
    h.clock.set('2026-11-26T00:00:00Z');
    expect(sweepDeadlines(h.deps).fired).toBe(0);
    expect((await h.request('GET', `/api/alerts?rule=R23&incidentId=${id}`)).body.items).toEqual([]);
  });
});
