/**
 * The pages work under their Content-Security-Policy in real Chromium: no violation reported and
 * no script error on the landing page, the API docs (Swagger UI, served from this server), the
 * sign-in form (token sign-in through the browser, then the account page and sign-out); and a page
 * of this site cannot be framed.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { createHarness, type Harness } from '../support/harness.js';

let browser: Browser;
let h: Harness;
let server: ServerType;
let base: string;

beforeAll(async () => {
  h = createHarness();
  server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  server?.close();
  await h?.close();
});

/** A page that records console errors (Chromium reports CSP violations there) and script errors. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

describe('pages under their Content-Security-Policy', () => {
  it('the landing page and the API docs render with no violation', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${base}/`);
    expect(await page.locator('h1').textContent()).toBe('Mental-health demand and triage');
    // The stylesheet is the served file, and it applies.
    expect(await page.locator('body').evaluate((b) => getComputedStyle(b).maxWidth)).not.toBe('none');
    await page.goto(`${base}/docs`);
    await page.locator('.opblock-summary-path', { hasText: '/api/incidents' }).first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('token sign-in in the browser: the form, the account page, sign-out; no violation', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${base}/account`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByLabel('API token').fill(h.tokens.mh_lead);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/account`);
    expect(await page.locator('#user-role').textContent()).toContain('mh_lead');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/sign-in?signedOut=1`);
    await page.goto(`${base}/account`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('cannot be framed by another page', async () => {
    const { page, problems } = await watchedPage();
    await page.setContent(`<iframe id="f" src="${base}/sign-in"></iframe>`);
    await expect.poll(() => problems.join('\n')).toMatch(/frame-ancestors|X-Frame-Options|refused/i);
    expect(
      await page
        .frameLocator('#f')
        .locator('body')
        .textContent()
        .catch(() => ''),
    ).not.toContain('API token');
    await page.close();
  });
});
