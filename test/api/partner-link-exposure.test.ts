/**
 * What a partner link still shows, and how often it may be asked (ACCESS.md "Partner links"): once
 * the referral is answered — by the partner through the link or by the control room — the link
 * shows the answer and nothing of the person or the risk; link requests are limited per client
 * address (429 with Retry-After, counted on the injected clock, over a real socket).
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { answer, decision, emailReferral, gradedIncident, steps } from '../support/flows.js';

let h: Harness;
let server: ServerType | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
  await h.close();
});

const PERSON_AND_RISK = [
  'flat 2, 10 High Street, Maidstone',
  'adult not seen for three days',
  'Risk summary',
  'Location',
];

async function referralLink(harness: Harness) {
  const id = await gradedIncident(harness, { reference: 'KENT-20261123-0555' });
  await steps(harness, id, [decision('handover'), emailReferral('r1')]);
  const body = harness.db.$client.prepare(`SELECT body FROM outbox WHERE correlation = 'r1'`).pluck().get() as string;
  return { id, path: /\/partner\/referrals\/[A-Za-z0-9_.-]+/.exec(body)![0] };
}
const form = (fields: Record<string, string>) => ({
  raw: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  token: null,
});

describe('an answered referral link', () => {
  it('after the partner accepts, the link shows the answer and nothing of the person or the risk', async () => {
    h = createHarness({ mailEnabled: true });
    const { path } = await referralLink(h);
    const before = String((await h.request('GET', path, { token: null })).body);
    for (const s of PERSON_AND_RISK) expect(before, 'shown while the referral is open').toContain(s);

    const accepted = await h.request('POST', path, form({ action: 'accept', respondent: 'J Smith, SPoA nurse' }));
    expect(accepted.status).toBe(200);
    const after = await h.request('GET', path, { token: null });
    expect(after.status).toBe(200);
    for (const page of [String(accepted.body), String(after.body)]) {
      expect(page).toContain('KENT-20261123-0555');
      for (const s of PERSON_AND_RISK) expect(page).not.toContain(s);
    }
    expect(String(after.body)).toContain('This referral has been accepted (J Smith, SPoA nurse)');
  });

  it('after the control room records a decline, the link shows that and nothing of the person or risk', async () => {
    h = createHarness({ mailEnabled: true });
    const { id, path } = await referralLink(h);
    await steps(h, id, [answer('r1', 'declined')]);
    const page = String((await h.request('GET', path, { token: null })).body);
    expect(page).toContain('This referral has been declined');
    for (const s of PERSON_AND_RISK) expect(page).not.toContain(s);
    expect(page).not.toContain('<form');
  });
});

describe('partner link rate limit', () => {
  it('over the limit a client gets 429 with Retry-After; it recovers when the window has passed', async () => {
    h = createHarness({
      mailEnabled: true,
      config: (c) => ({ ...c, web: { ...c.web, partnerLinkRateLimit: { requests: 5, windowSeconds: 60 } } }),
    });
    const { path } = await referralLink(h);
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server!.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
    for (let i = 0; i < 5; i++) expect((await fetch(url)).status).toBe(200);
    h.clock.advanceSeconds(20);
    const limited = await fetch(url);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(limited.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await limited.text()).toContain('Too many requests');
    // A tampered link counts too (guessing links is what the limit is for).
    expect((await fetch(`${url}x`)).status).toBe(429);
    h.clock.advanceSeconds(39);
    expect((await fetch(url)).status).toBe(429);
    h.clock.advanceSeconds(1);
    expect((await fetch(url)).status).toBe(200);
  });

  it('the limit is per client address (behind a proxy that sets X-Forwarded-For)', async () => {
    h = createHarness({
      mailEnabled: true,
      config: (c) => ({
        ...c,
        web: { trustForwardedFor: true, partnerLinkRateLimit: { requests: 2, windowSeconds: 60 } },
      }),
    });
    const { path } = await referralLink(h);
    const from = (address: string) => h.request('GET', path, { token: null, headers: { 'x-forwarded-for': address } });
    expect((await from('203.0.113.9')).status).toBe(200);
    expect((await from('10.0.0.1, 203.0.113.9')).status).toBe(200);
    expect((await from('203.0.113.9')).status).toBe(429);
    expect((await from('198.51.100.4')).status).toBe(200);
  });
});
