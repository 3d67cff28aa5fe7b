/**
 * Deadlines are rows swept by the scheduler with an injected clock; each alert is raised exactly
 * once, appears on the incident timeline and in GET /api/alerts, and is emailed when configured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport } from '../../src/mail/transport.js';
import { deliverDueMail } from '../../src/mail/outbox-worker.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import { decision, dispatch, gradedIncident, steps, thrive } from '../support/flows.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

let h: Harness;
let smtp: TestSmtp | null = null;
afterEach(async () => {
  await h.close();
  await smtp?.close();
  smtp = null;
});

const deadlineRows = () =>
  h.db.$client.prepare('SELECT key, rule, due_at AS dueAt, status FROM deadlines ORDER BY key').all();

describe('R6 unresourced incident alerts', () => {
  it(
    'R6 a grade 2 incident with no resource alerts the sergeant once, at 40 minutes, however often the sweeper ' +
      'runs',
    async () => {
      h = createHarness();
      const id = await gradedIncident(h);
      expect(deadlineRows()).toEqual([
        { key: 'R6:unresourced:3', rule: 'R6', dueAt: '2026-11-23T09:40:00.000Z', status: 'pending' },
      ]);
      h.clock.advanceMinutes(39);
      expect(sweepDeadlines(h.deps)).toEqual({ fired: 0, skipped: 0 });
      h.clock.advanceMinutes(1);
      expect(sweepDeadlines(h.deps)).toEqual({ fired: 1, skipped: 0 });
      for (let i = 0; i < 5; i++) {
        h.clock.advanceMinutes(10);
        expect(sweepDeadlines(h.deps).fired).toBe(0);
      }
      const alerts = await h.request('GET', '/api/alerts?rule=R6');
      expect(alerts.body.items).toHaveLength(1);
      expect(alerts.body.items[0]).toMatchObject({
        incidentId: id,
        notify: 'sergeant',
        severity: 'warning',
        raisedAt: '2026-11-23T09:40:00.000Z',
      });
      const got = await h.request('GET', `/api/incidents/${id}`);
      const fired = got.body.timeline.filter((e: { type: string }) => e.type === 'DEADLINE_REACHED');
      expect(fired).toHaveLength(1);
      expect(fired[0].actor).toMatchObject({ id: 'system', role: 'system' });
      expect(deadlineRows()).toMatchObject([{ status: 'fired' }]);
    },
  );

  it('R6 dispatching a resource before the threshold cancels the clock; nothing fires', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    h.clock.advanceMinutes(20);
    await steps(h, id, [decision('deploy'), dispatch()]);
    expect(deadlineRows()).toEqual([]);
    h.clock.advanceMinutes(60);
    expect(sweepDeadlines(h.deps).fired).toBe(0);
    expect(h.count('alerts')).toBe(0);
  });

  it('R6 a no-deploy decision removes the clock; a re-grade to grade 1 starts one that fires at once', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover')]);
    expect(deadlineRows()).toEqual([]);
    h.clock.advanceMinutes(5);
    await steps(h, id, [
      thrive({ risk: 'high' }),
      { type: 'GRADE_SET', grade: 'G1' },
      thrive(),
      decision('deploy', { riskToLife: true }),
    ]);
    expect(deadlineRows()).toMatchObject([{ key: 'R6:unresourced:6', dueAt: h.clock.at(), status: 'pending' }]);
    expect(sweepDeadlines(h.deps).fired).toBe(1);
    const a = await h.request('GET', '/api/alerts');
    expect(a.body.items).toMatchObject([{ rule: 'R6', notify: 'inspector' }]);
  });

  it('R6 an alert is emailed once to the configured address, through a real SMTP server', async () => {
    smtp = await startSmtp();
    h = createHarness({
      mailEnabled: true,
      config: (c) => ({ ...c, alerts: { emailTo: { sergeant: 'fcr-sergeant@kent.police.test' } } }),
    });
    const id = await gradedIncident(h, {
      reference: 'KENT-20261123-0042',
      subject: { identifiers: { name: 'Private Person', dateOfBirth: '1980-01-01' } },
    });
    h.clock.advanceMinutes(41);
    sweepDeadlines(h.deps);
    sweepDeadlines(h.deps);
    const transport = createTransport({ url: smtp.url, from: 'mh-triage@kent.police.test', ignoreTLS: true });
    expect(await deliverDueMail(h.db, h.clock, transport, { from: 'mh-triage@kent.police.test' })).toEqual({
      sent: 1,
      failed: 0,
    });
    expect(await deliverDueMail(h.db, h.clock, transport, { from: 'mh-triage@kent.police.test' })).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(smtp.messages).toHaveLength(1);
    const m = smtp.messages[0]!;
    expect(m.subject).toBe('[WARNING] R6 on incident KENT-20261123-0042');
    expect((m.to as { text: string }).text).toBe('fcr-sergeant@kent.police.test');
    expect(m.text).toContain(id);
    expect(m.text).not.toContain('Private Person');
    expect(m.text).not.toContain('neighbour'); // no free text from the call
  });

  it('when SMTP fails the alert stays queued and is delivered once it recovers', async () => {
    smtp = await startSmtp();
    smtp.failing = true;
    h = createHarness({
      mailEnabled: true,
      config: (c) => ({ ...c, alerts: { emailTo: { inspector: 'fcr-inspector@kent.police.test' } } }),
    });
    await gradedIncident(h);
    await steps(h, (await h.request('GET', '/api/incidents')).body.items[0].id, [
      thrive(),
      { type: 'GRADE_SET', grade: 'G1' },
    ]);
    sweepDeadlines(h.deps);
    const transport = createTransport({ url: smtp.url, from: 'a@b.test', ignoreTLS: true });
    expect(await deliverDueMail(h.db, h.clock, transport, { from: 'a@b.test' })).toEqual({ sent: 0, failed: 1 });
    smtp.failing = false;
    // backing off
    expect(await deliverDueMail(h.db, h.clock, transport, { from: 'a@b.test' })).toEqual({ sent: 0, failed: 0 });
    h.clock.advanceMinutes(1);
    expect(await deliverDueMail(h.db, h.clock, transport, { from: 'a@b.test' })).toEqual({ sent: 1, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
  });
});
