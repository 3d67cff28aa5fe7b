/**
 * A referral by email, end to end: the command path queues it in the same transaction as the
 * event, the worker sends it to a real SMTP server on 127.0.0.1, the test parses the received
 * message (minimum-necessary content, no identifiers), follows the partner link and accepts — and
 * the answer is an event on the incident with the agency as actor.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { captureTransport, createTransport } from '../../src/mail/transport.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import { decision, emailReferral, gradedIncident, steps } from '../support/flows.js';
import { htmlLinks, partnerLink } from '../support/mail.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

const FROM = 'mh-triage@kent.police.test';
const PERSON = {
  identifiers: { nhsNumber: '943 476 5919', name: 'Siobhan Example', dateOfBirth: '1979-03-14' },
  ageYears: 47,
  gender: 'female',
};

let h: Harness;
let smtp: TestSmtp | null = null;
afterEach(async () => {
  await h.close();
  await smtp?.close();
  smtp = null;
});

const form = (fields: Record<string, string>) => ({
  raw: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  token: null,
});

describe('referral email and partner link', () => {
  it('a real SMTP server receives the referral; the test parses it and follows the link to accept', async () => {
    smtp = await startSmtp();
    h = createHarness({ mailEnabled: true, start: '2026-11-23T21:10:00Z' });
    const id = await gradedIncident(h, {
      reference: 'KENT-20261123-0421',
      subject: PERSON,
      summary: 'caller says her neighbour has talked about ending her life',
    });
    await steps(h, id, [decision('handover')]);
    h.clock.advanceMinutes(2);
    const made = await steps(h, id, [emailReferral('r1')]);
    expect(made.referrals[0]).toMatchObject({ state: 'drafted', status: 'pending' });
    expect(h.count('outbox')).toBe(1);

    h.clock.advanceMinutes(1);
    const transport = createTransport({ url: smtp.url, from: FROM, ignoreTLS: true });
    expect(await deliverOutbox(h.deps, transport, { from: FROM })).toEqual({ sent: 1, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    const m = smtp.messages[0]!;
    const row = h.db.$client.prepare('SELECT message_id AS messageId, status, sent_at AS sentAt FROM outbox').get() as {
      messageId: string;
      status: string;
      sentAt: string;
    };
    expect(row).toMatchObject({ status: 'sent', sentAt: '2026-11-23T21:13:00.000Z' });
    expect(m.messageId).toBe(row.messageId);
    expect((m.to as { text: string }).text).toBe('kmpt-spoa.referrals@partners.example');
    expect(m.headers.get('auto-submitted')).toBe('auto-generated');
    expect(m.subject).toBe('Kent Police referral KENT-20261123-0421: Concern for welfare — please answer by 22:12');
    // Minimum necessary: reference, category, location, risk summary, callback route — nothing identifying, no call
    // narrative.
    const facts = [
      'KENT-20261123-0421',
      'Concern for welfare',
      'flat 2, 10 High Street, Maidstone',
      'adult not seen for three days; no threats; lives alone',
      'Kent Police control room partner line 01632 960000',
    ];
    for (const s of facts) {
      expect(m.text).toContain(s);
    }
    for (const s of ['Siobhan', '9434765919', '943 476 5919', '1979-03-14', 'ending her life', 'pk_'])
      expect(m.text).not.toContain(s);
    // Beside the text, simple accessible HTML saying the same: a real link with words for a screen reader, the same
    // facts, nothing identifying, nothing fetched from elsewhere (no images, styles or scripts).
    const htmlPart = String(m.html);
    expect(htmlPart).toMatch(/^<!DOCTYPE html>\n<html lang="en-GB">/);
    expect(htmlPart).toContain(`<title>${m.subject}</title>`);
    expect(htmlPart).toContain('<dt>Risk summary</dt><dd>adult not seen for three days; no threats; lives alone</dd>');
    expect(htmlPart).toMatch(/<a href="[^"]+">Answer referral KENT-20261123-0421<\/a>/);
    for (const s of facts) expect(htmlPart).toContain(s);
    for (const s of ['Siobhan', '9434765919', '943 476 5919', '1979-03-14', 'ending her life', 'pk_'])
      expect(htmlPart).not.toContain(s);
    expect(htmlPart).not.toMatch(/<img|<script|<style|<link|<iframe|src=|url\(/i);

    // Sent: the clocks run from the mail server's acceptance; the send is an event by the system.
    let got = (await h.request('GET', `/api/incidents/${id}`)).body;
    expect(got.referrals[0]).toMatchObject({
      state: 'sent',
      sentAt: '2026-11-23T21:13:00.000Z',
      deadlines: [
        { key: 'ack', dueAt: '2026-11-23T21:28:00.000Z' },
        { key: 'answer', dueAt: '2026-11-23T22:13:00.000Z' },
      ],
    });
    expect(got.timeline.at(-1)).toMatchObject({
      type: 'REFERRAL_SENT',
      actor: { id: 'system', role: 'system' },
      data: { referralId: 'r1', messageId: row.messageId },
    });

    // The partner opens the link: a page that changes nothing (mail scanners fetch links too).
    const link = partnerLink(m);
    expect(link).not.toBeNull();
    expect(link).toMatch(/^http:\/\/localhost:3000\/partner\/referrals\/[A-Za-z0-9_.-]+$/);
    expect(htmlLinks(m)).toEqual([link]); // the only link in the email
    const events = h.count('incident_events');
    const page = await h.request('GET', link!, { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(String(page.body)).toContain('KENT-20261123-0421');
    expect(String(page.body)).toContain('name="action" value="accept"');
    expect(String(page.body)).not.toContain('Siobhan');
    expect(h.count('incident_events')).toBe(events);

    // …acknowledges, then accepts.
    h.clock.advanceMinutes(5);
    const ack = await h.request(
      'POST',
      link!,
      form({ action: 'acknowledge', respondent: 'J Smith, SPoA nurse', agencyReference: 'SPOA-2211' }),
    );
    expect(ack.status, String(ack.body)).toBe(200);
    h.clock.advanceMinutes(10);
    const acc = await h.request(
      'POST',
      link!,
      form({ action: 'accept', respondent: 'J Smith, SPoA nurse', reason: 'crisis team visiting by 23:30' }),
    );
    expect(acc.status, String(acc.body)).toBe(200);
    expect(String(acc.body)).toContain('recorded as accepted');

    got = (await h.request('GET', `/api/incidents/${id}`)).body;
    expect(got.referrals[0]).toMatchObject({
      state: 'accepted',
      status: 'accepted',
      acknowledgedAt: '2026-11-23T21:18:00.000Z',
      answeredAt: '2026-11-23T21:28:00.000Z',
      answeredVia: 'partner',
      respondent: 'J Smith, SPoA nurse',
      agencyReference: 'SPOA-2211',
      deadlines: [],
    });
    const partnerEvents = got.timeline.filter((e: { actor: { role: string } }) => e.actor.role === 'partner');
    expect(partnerEvents.map((e: { type: string; actor: { id: string } }) => [e.type, e.actor.id])).toEqual([
      ['REFERRAL_ACKNOWLEDGED', 'agency:kmptSpoa'],
      ['REFERRAL_ANSWERED', 'agency:kmptSpoa'],
    ]);
    // Nothing is ever sent twice, and no escalation fires for an answered referral.
    h.clock.advanceMinutes(120);
    expect(sweepDeadlines(h.deps).fired).toBe(0);
    expect(await deliverOutbox(h.deps, transport, { from: FROM })).toEqual({ sent: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('a free-text narrative goes only to an agency configured for it', async () => {
    smtp = await startSmtp();
    h = createHarness({ mailEnabled: true });
    const id = await gradedIncident(h);
    await steps(h, id, [
      decision('handover'),
      emailReferral('r1', { narrative: 'known to the crisis team; previous overdose in March' }),
    ]); // KMPT: freeTextAllowed
    expect(
      (await h.event(id, emailReferral('r2', { agency: 'kccAdultSocialCare', narrative: 'same narrative' }))).body.code,
    ).toBe('FREE_TEXT_NOT_ALLOWED');
    await steps(h, id, [emailReferral('r2', { agency: 'kccAdultSocialCare' })]);
    await deliverOutbox(h.deps, createTransport({ url: smtp.url, from: FROM, ignoreTLS: true }), { from: FROM });
    const byTo = Object.fromEntries(smtp.messages.map((m) => [(m.to as { text: string }).text, m.text ?? '']));
    expect(byTo['kmpt-spoa.referrals@partners.example']).toContain('previous overdose in March');
    expect(byTo['kcc-asc.referrals@partners.example']).not.toContain('Narrative');
  });

  it('R13 an escalation alert is emailed once to the configured role, naming the partner contact', async () => {
    smtp = await startSmtp();
    h = createHarness({
      mailEnabled: true,
      config: (c) => ({ ...c, alerts: { emailTo: { sergeant: 'fcr-sergeant@kent.police.test' } } }),
    });
    const id = await gradedIncident(h, { reference: 'KENT-20261123-0500' });
    await steps(h, id, [decision('handover'), emailReferral()]);
    const transport = createTransport({ url: smtp.url, from: FROM, ignoreTLS: true });
    await deliverOutbox(h.deps, transport, { from: FROM });
    h.clock.advanceMinutes(16);
    expect(sweepDeadlines(h.deps).fired).toBe(1);
    expect(sweepDeadlines(h.deps).fired).toBe(0);
    await deliverOutbox(h.deps, transport, { from: FROM });
    await deliverOutbox(h.deps, transport, { from: FROM });
    const alerts = smtp.messages.filter((m) => m.subject?.includes('R13'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.subject).toBe('[WARNING] R13 on incident KENT-20261123-0500');
    expect(alerts[0]!.text).toContain('escalation level 1');
    expect(alerts[0]!.text).toContain('SPoA shift coordinator, 01632 960111');
  });

  it('withdrawing an emailed referral tells the partner, and the link then refuses', async () => {
    smtp = await startSmtp();
    h = createHarness({ mailEnabled: true });
    const id = await gradedIncident(h, { reference: 'KENT-20261123-0600' });
    await steps(h, id, [decision('handover'), emailReferral()]);
    const transport = createTransport({ url: smtp.url, from: FROM, ignoreTLS: true });
    await deliverOutbox(h.deps, transport, { from: FROM });
    const link = partnerLink(smtp.messages[0]!)!;
    await steps(h, id, [{ type: 'REFERRAL_WITHDRAWN', referralId: 'r1', reason: 'person found safe by family' }]);
    await deliverOutbox(h.deps, transport, { from: FROM });
    expect(smtp.messages.map((m) => m.subject)).toEqual([
      expect.stringContaining('KENT-20261123-0600: Concern'),
      'Kent Police referral KENT-20261123-0600: WITHDRAWN — no action needed',
    ]);
    expect(smtp.messages[1]!.text).toContain('person found safe by family');
    const events = h.count('incident_events');
    const r = await h.request('POST', link, form({ action: 'accept', respondent: 'J Smith' }));
    expect(r.status).toBe(410);
    expect(String(r.body)).toContain('This referral was withdrawn');
    expect(h.count('incident_events')).toBe(events);
  });

  it('answering by phone before the email went cancels it; closing the incident cancels any still queued', async () => {
    h = createHarness({ mailEnabled: true });
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover'), emailReferral('r1'), emailReferral('r2', { agency: 'kentAmhp' })]);
    await steps(h, id, [
      { type: 'REFERRAL_ANSWERED', referralId: 'r1', answer: 'accepted', respondent: 'rang us back' },
    ]);
    const status = () => h.db.$client.prepare('SELECT correlation, status FROM outbox ORDER BY id').all();
    expect(status()).toEqual([
      { correlation: 'r1', status: 'cancelled' },
      { correlation: 'r2', status: 'pending' },
    ]);
    await steps(h, id, [
      {
        type: 'THRIVE_RECORDED',
        threat: 'n',
        harm: 'n',
        risk: 'n',
        investigation: 'n',
        vulnerability: 'n',
        engagement: 'n',
        rationale: 'r',
        safetyNet: 'AMHP to call back',
      },
    ]);
    await steps(h, id, [{ type: 'INCIDENT_CLOSED', mhFlagAtClose: true, closureCode: 'handedToPartner' }]);
    expect(status()).toEqual([
      { correlation: 'r1', status: 'cancelled' },
      { correlation: 'r2', status: 'cancelled' },
    ]);
  });

  it(
    'development capture (MAIL_CAPTURE_DIR) writes each message as an .eml named by its Message-ID; a resend ' +
      'overwrites it',
    async () => {
      h = createHarness({ mailEnabled: true });
      const id = await gradedIncident(h);
      await steps(h, id, [decision('handover'), emailReferral()]);
      const dir = join(h.dir, 'mail');
      expect(await deliverOutbox(h.deps, captureTransport(dir), { from: FROM })).toEqual({ sent: 1, failed: 0 });
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      const parsed = await simpleParser(readFileSync(join(dir, files[0]!)));
      const messageId = h.db.$client.prepare('SELECT message_id FROM outbox').pluck().get() as string;
      expect(parsed.messageId).toBe(messageId);
      expect(files[0]).toBe(`${messageId.replace(/[<>]/g, '')}.eml`);
      const link = partnerLink(parsed)!;
      expect((await h.request('GET', link, { token: null })).status).toBe(200);
      await captureTransport(dir).sendMail({
        from: FROM,
        to: 'x@partners.example',
        subject: 'again',
        text: 'again',
        messageId,
      });
      expect(readdirSync(dir)).toHaveLength(1);
    },
  );
});
