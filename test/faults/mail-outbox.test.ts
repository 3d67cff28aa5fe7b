/**
 * The referral email outbox under faults, against a real SMTP server on 127.0.0.1:
 *  - SMTP down while referrals are made: nothing is lost; when it is back every email is delivered
 *    exactly once (counted by Message-ID at the server), and the referral clocks start then.
 *  - A worker killed after the SMTP server accepted a message but before `sent` was recorded: the
 *    row's lease expires and the message is sent again WITH THE SAME Message-ID, so the receiver
 *    (and this test) can drop the duplicate: at most one message per Message-ID. This is the
 *    at-least-once edge of any outbox; it cannot be closed from the sender's side alone.
 *  - …unless the partner has already answered through the link in the first copy: that proves
 *    delivery, the row is settled as sent in the same transaction as the answer, and the restarted
 *    worker sends nothing.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { createTransport } from '../../src/mail/transport.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import { decision, emailReferral, gradedIncident, steps } from '../support/flows.js';
import { partnerLink } from '../support/mail.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

const WORKER = new URL('./mail-crash-worker.ts', import.meta.url).pathname;
const FROM = 'mh-triage@kent.police.test';

let h: Harness;
let smtp: TestSmtp | null = null;
afterEach(async () => {
  await h.close();
  await smtp?.close();
  smtp = null;
});

const transportFor = (s: TestSmtp) => createTransport({ url: s.url, from: FROM, ignoreTLS: true });
const outbox = () =>
  h.db.$client
    .prepare(
      `SELECT status, attempts, message_id AS messageId, sent_at AS sentAt, last_error AS lastError FROM outbox ` +
        `ORDER BY id`,
    )
    .all() as Array<Record<string, unknown>>;
const countBy = <T>(xs: T[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>());

async function emailReferralIncident(n: number): Promise<string> {
  const id = await gradedIncident(h, { reference: `KENT-20261123-${String(n).padStart(4, '0')}` });
  await steps(h, id, [decision('handover'), emailReferral('r1')]);
  return id;
}

describe('referral emails when SMTP is down', () => {
  it(
    'SMTP down while referrals are made: nothing lost; when it returns every email is delivered exactly once ' +
      '(counted by Message-ID at the server)',
    async () => {
      smtp = await startSmtp();
      const down = transportFor(smtp);
      await smtp.close(); // connection refused from here on
      h = createHarness({ mailEnabled: true });
      const ids: string[] = [];
      for (let n = 1; n <= 5; n++) ids.push(await emailReferralIncident(n));
      let transport = down;
      expect(await deliverOutbox(h.deps, transport, { from: FROM })).toEqual({ sent: 0, failed: 5 });
      expect(outbox().map((r) => [r.status, r.attempts])).toEqual(Array(5).fill(['pending', 1]));
      expect(String(outbox()[0]!.lastError)).toMatch(/ECONNREFUSED/);
      h.clock.advanceSeconds(30);
      // still down; backing off
      expect(await deliverOutbox(h.deps, transport, { from: FROM })).toEqual({ sent: 0, failed: 5 });
      h.clock.advanceSeconds(30);
      // next try not due yet (60 s)
      expect(await deliverOutbox(h.deps, transport, { from: FROM })).toEqual({ sent: 0, failed: 0 });
      // Referrals are still waiting to be sent; no clocks but delivery run yet.
      const view = (await h.request('GET', `/api/incidents/${ids[0]}`)).body;
      expect(view.referrals[0]).toMatchObject({ state: 'drafted', sentAt: null, deadlines: [{ key: 'delivery' }] });

      // Back up — on a fresh free port, as binding the old one again could race with any other process taking it.
      smtp = await startSmtp();
      transport = transportFor(smtp);
      h.clock.advanceSeconds(60);
      expect(await deliverOutbox(h.deps, transport, { from: FROM })).toEqual({ sent: 5, failed: 0 });
      h.clock.advanceMinutes(5);
      expect(await deliverOutbox(h.deps, transport, { from: FROM })).toEqual({ sent: 0, failed: 0 });
      const ids_ = smtp.messages.map((m) => m.messageId);
      expect(smtp.messages).toHaveLength(5);
      expect([...countBy(ids_).values()]).toEqual([1, 1, 1, 1, 1]);
      expect(new Set(ids_)).toEqual(new Set(outbox().map((r) => r.messageId)));
      // Each referral is now "sent" at the moment the server accepted it; its clocks run from then.
      const sentAt = '2026-11-23T09:02:00.000Z';
      for (const id of ids) {
        const r = (await h.request('GET', `/api/incidents/${id}`)).body.referrals[0];
        expect(r).toMatchObject({ state: 'sent', sentAt });
        expect(r.deadlines).toEqual([
          { key: 'ack', dueAt: '2026-11-23T09:17:00.000Z' },
          { key: 'answer', dueAt: '2026-11-23T10:02:00.000Z' },
        ]);
      }
    },
  );

  it(
    'an email still undelivered after the delivery window alerts the control room to phone the agency; the incident ' +
      'needs a re-THRIVE',
    async () => {
      smtp = await startSmtp();
      smtp.failing = true; // reachable, but refusing with 451
      h = createHarness({
        mailEnabled: true,
        config: (c) => ({ ...c, alerts: { emailTo: { sergeant: 'fcr-sergeant@kent.police.test' } } }),
      });
      const id = await emailReferralIncident(1);
      const transport = transportFor(smtp);
      for (let k = 0; k < 4; k++) {
        await deliverOutbox(h.deps, transport, { from: FROM });
        h.clock.advanceMinutes(3);
        sweepDeadlines(h.deps);
      }
      const got = (await h.request('GET', `/api/incidents/${id}`)).body;
      expect(got.referrals[0]).toMatchObject({
        state: 'noResponse',
        status: 'noResponse',
        flags: [{ key: 'undelivered', rule: 'R11' }],
      });
      expect(got.reassessmentRequired).not.toBeNull();
      smtp.failing = false;
      h.clock.advanceMinutes(60);
      await deliverOutbox(h.deps, transport, { from: FROM });
      // The alert to the sergeant and, late, the referral itself; the late delivery is recorded.
      expect(smtp.messages.map((m) => m.subject).sort()).toEqual([
        'Kent Police referral KENT-20261123-0001: Concern for welfare — please answer by 10:00',
        '[WARNING] R11 on incident KENT-20261123-0001',
      ]);
      expect((await h.request('GET', `/api/incidents/${id}`)).body.referrals[0]).toMatchObject({
        state: 'noResponse',
        sentAt: h.clock.at(),
      });
    },
  );
});

describe('a worker killed mid-send', () => {
  async function killAfterAccept(
    dbPath: string,
    url: string,
    at: string,
  ): Promise<{ signal: string | null; out: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dbPath, url, at], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    // 'close' (not 'exit') comes after the child's last output has been read.
    const signal = await new Promise<string | null>((resolve) => child.on('close', (_code, sig) => resolve(sig)));
    return { signal, out };
  }

  it(
    'after the server accepted but before `sent` was recorded: resent with the same Message-ID, so at most one ' +
      'message per Message-ID reaches the reader',
    async () => {
      smtp = await startSmtp();
      h = createHarness({ mailEnabled: true });
      const id = await emailReferralIncident(1);
      const killed = await killAfterAccept(h.dbPath, smtp.url, h.clock.at());
      expect(killed, killed.out).toMatchObject({ signal: 'SIGKILL' });
      expect(killed.out).toContain('accepted');
      expect(smtp.messages).toHaveLength(1);
      expect(outbox()).toMatchObject([{ status: 'sending', attempts: 1, sentAt: null }]);
      expect((await h.request('GET', `/api/incidents/${id}`)).body.referrals[0].state).toBe('drafted');

      // Within the lease nothing is resent; after it (120 s), the restarted worker sends again.
      h.clock.advanceSeconds(60);
      expect(await deliverOutbox(h.deps, transportFor(smtp), { from: FROM })).toEqual({ sent: 0, failed: 0 });
      h.clock.advanceSeconds(61);
      expect(await deliverOutbox(h.deps, transportFor(smtp), { from: FROM })).toEqual({ sent: 1, failed: 0 });
      expect(await deliverOutbox(h.deps, transportFor(smtp), { from: FROM })).toEqual({ sent: 0, failed: 0 });

      // Two deliveries at the SMTP level, one message: the same Message-ID both times.
      expect(smtp.messages).toHaveLength(2);
      const byId = countBy(smtp.messages.map((m) => m.messageId));
      expect([...byId.keys()]).toEqual([outbox()[0]!.messageId]);
      const deduplicated = [...new Map(smtp.messages.map((m) => [m.messageId, m])).values()];
      expect(deduplicated).toHaveLength(1);
      expect(smtp.messages[1]!.text).toBe(smtp.messages[0]!.text); // same link, same content
      const got = (await h.request('GET', `/api/incidents/${id}`)).body;
      expect(got.referrals[0]).toMatchObject({ state: 'sent' });
      expect(got.timeline.filter((e: { type: string }) => e.type === 'REFERRAL_SENT')).toHaveLength(1);
    },
  );

  it('does not send a second email when the partner has already answered through the first one', async () => {
    smtp = await startSmtp();
    h = createHarness({ mailEnabled: true });
    const id = await emailReferralIncident(1);
    const killed = await killAfterAccept(h.dbPath, smtp.url, h.clock.at());
    expect(killed.signal, killed.out).toBe('SIGKILL');
    expect(smtp.messages).toHaveLength(1);

    // The partner reads the email that did arrive and accepts through its link.
    const link = partnerLink(smtp.messages[0]!)!;
    h.clock.advanceMinutes(4);
    const r = await h.request('POST', link, {
      raw: 'action=accept&respondent=J+Smith%2C+crisis+nurse',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      token: null,
    });
    expect(r.status, String(r.body)).toBe(200);
    expect(outbox()).toMatchObject([
      { status: 'sent', lastError: 'delivery proven: the partner answered through the link in this email' },
    ]);

    h.clock.advanceMinutes(10); // well past the lease
    expect(await deliverOutbox(h.deps, transportFor(smtp), { from: FROM })).toEqual({ sent: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    const got = (await h.request('GET', `/api/incidents/${id}`)).body;
    expect(got.referrals[0]).toMatchObject({ state: 'accepted', answeredVia: 'partner', sentAt: null });
  });
});
