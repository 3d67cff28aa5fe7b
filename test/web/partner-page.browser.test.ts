/**
 * The partner agency's response page, in real Chromium against the app served on 127.0.0.1: the
 * page a partner reaches from the referral email works under its own Content-Security-Policy (no
 * violations, the form posts), the browser's own checks stop an empty form, a decline without a
 * reason is refused (R11), and an accept is recorded once.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { createHarness, type Harness } from '../support/harness.js';
import { decision, emailReferral, gradedIncident, steps } from '../support/flows.js';

let browser: Browser;
let h: Harness;
let server: ServerType;
let link: string;
let incidentId: string;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  h = createHarness({ mailEnabled: true });
  incidentId = await gradedIncident(h, { reference: 'KENT-20261123-0777' });
  await steps(h, incidentId, [decision('handover'), emailReferral('r1')]);
  const email = h.db.$client.prepare(`SELECT body FROM outbox WHERE correlation = 'r1'`).pluck().get() as string;
  const path = /\/partner\/referrals\/[A-Za-z0-9_.-]+/.exec(email)![0];
  server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  link = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
});
afterEach(async () => {
  server?.close();
  await h?.close();
});

const referral = async () => (await h.request('GET', `/api/incidents/${incidentId}`)).body.referrals[0];

describe('partner response page in a browser', () => {
  it(
    'renders under its Content-Security-Policy, refuses an empty form in the browser and a decline without a reason ' +
      '(R11), then records the accept once',
    async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      // Chromium reports a CSP violation as a console error ("Refused to … Content Security Policy"); the 422 page
      // below
      // is logged too, as a failed load, and is expected.
      page.on(
        'console',
        (m) =>
          m.type() === 'error' &&
          !m.text().startsWith('Failed to load resource: the server responded with a status of 422') &&
          problems.push(m.text()),
      );
      page.on('pageerror', (e) => problems.push(e.message));

      const res = await page.goto(link);
      expect(res!.status()).toBe(200);
      expect(res!.headers()['content-security-policy']).toContain("form-action 'self'");
      // goto resolves on the load event: the server-rendered page is all there.
      expect(await page.locator('body').textContent()).toContain('KENT-20261123-0777');

      // An empty name: the browser itself stops the submission (required), nothing reaches the server.
      const events = h.count('incident_events');
      await page.click('button[value="accept"]');
      expect(await page.locator('#respondent').evaluate((el: HTMLInputElement) => el.validity.valueMissing)).toBe(true);
      expect(page.url()).toBe(link);
      expect(h.count('incident_events')).toBe(events);

      // A decline needs a reason (R11): refused by the server with the form's reason, nothing written.
      await page.fill('#respondent', 'J Smith, SPoA nurse');
      await Promise.all([page.waitForNavigation(), page.click('button[value="decline"]')]);
      expect(await page.locator('body').textContent()).toContain('declined referral needs the reason');
      expect(h.count('incident_events')).toBe(events);

      // Accept, from the same link: recorded, and the page says so.
      await page.goto(link);
      await page.fill('#respondent', 'J Smith, SPoA nurse');
      await page.fill('#reason', 'crisis team visiting within the hour');
      await Promise.all([page.waitForNavigation(), page.click('button[value="accept"]')]);
      expect(await page.locator('h1').textContent()).toBe('Recorded');
      expect(await page.locator('.done').textContent()).toContain('recorded as accepted');
      expect(await referral()).toMatchObject({ state: 'accepted', respondent: 'J Smith, SPoA nurse' });

      // Going back fetches the page again (no-store): the answer is shown, and no form to change it.
      await page.goBack();
      expect(await page.locator('form').count()).toBe(0);
      expect(await page.locator('body').textContent()).toContain(
        'This referral has been accepted (J Smith, SPoA nurse). Nothing more to do here',
      );
      expect((await referral()).state).toBe('accepted');

      expect(problems, 'no CSP violations or script errors').toEqual([]);
      await page.close();
    },
  );

  it('cannot be framed by another page (clickjacking)', async () => {
    const page = await browser.newPage();
    // Chromium reports the blocked frame as a console error: wait for that event, not for time.
    const refusal = /frame-ancestors|X-Frame-Options|refused/i;
    const blocked = page.waitForEvent('console', (m) => m.type() === 'error' && refusal.test(m.text()));
    await page.setContent(`<iframe id="f" src="${link}"></iframe>`);
    expect((await blocked).text()).toMatch(refusal);
    expect(
      await page
        .frameLocator('#f')
        .locator('body')
        .textContent()
        .catch(() => ''),
    ).not.toContain('KENT-20261123-0777');
    await page.close();
  });
});
