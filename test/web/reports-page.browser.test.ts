/**
 * The newcomer's page for demand evidence, in real Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) against the real app served over HTTP on 127.0.0.1, with two months of the demo
 * recorded through the command path: open /reports, sign in at /sign-in with a token, press "Open
 * evidence pack", download the CSVs; and the pack itself printed to an A4 PDF with every column on
 * the page.
 */
import { serve, type ServerType } from '@hono/node-server';
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';
import { launchChromium, signInAndOpen } from '../support/browser.js';
import { createHarness, type Harness } from '../support/harness.js';

const FROM = '2025-04-01';
const TO = '2025-05-31';
/** A4 at 96 px per inch (794 px) less Chromium's default print margins (0.4 in each side). */
const A4_PRINTABLE_PX = 718;
/** Screenshots of the pages under test (kept out of git; docs/images has the one the README shows). */
const SCREENS = '.test-results/screens';

let h: Harness;
let server: ServerType;
let base: string;
let browser: Browser;

beforeAll(async () => {
  h = createHarness({ start: '2025-07-01T09:00:00Z' });
  const { clock: _c, uow: _u, ...deps } = h.deps;
  await runDemo(deps, { seed: 7, start: FROM, days: 61, scale: 0.03 });
  server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  server?.close();
  await h?.close();
});

async function reportsPage(token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signInAndOpen(page, base, '/reports', token);
  await page.fill('#from', FROM);
  await page.fill('#to', TO);
  return page;
}

async function apiJson(path: string, token: string) {
  const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  return r.json() as Promise<any>;
}

describe('the evidence pack in a browser', () => {
  it(
    'a PCC analyst signs in and opens the pack: headline figures as the API gives them, every chart drawn, ' +
      'small numbers withheld (R44)',
    async () => {
      const page = await reportsPage(h.tokens.pcc_analyst);
      await page.click('text=Open evidence pack');
      const pack = page.frameLocator('#pack');
      await pack.locator('h2', { hasText: 'Headline figures' }).waitFor();

      const report = await apiJson(`/api/reports/demand?from=${FROM}&to=${TO}&groupBy=month`, h.tokens.pcc_analyst);
      const mh = report.sections.find((s: { id: string }) => s.id === 'mhIncidents').total.cells.mhRelated as number;
      expect(mh).toBeGreaterThan(100);
      // The pack arrives whole (one document in the frame): once its heading is there, so are its figures.
      expect(await pack.locator('.fig', { hasText: 'MH-related incidents' }).locator('b').textContent()).toBe(
        mh.toLocaleString('en-GB'),
      );

      const charts = pack.locator('.chart svg');
      expect(await charts.count()).toBe(7);
      for (const svg of await charts.all()) {
        const box = await svg.boundingBox();
        expect(box!.width).toBeGreaterThan(200);
        expect(box!.height).toBeGreaterThan(100);
      }
      // Withheld figures read "[c]" (UK official statistics), never a range such as "<5" (issue 14).
      expect(await pack.locator('td', { hasText: '[c]' }).count()).toBeGreaterThan(0);
      expect(await pack.locator('td', { hasText: '<5' }).count()).toBe(0);
      // What the pack looks like, for docs/images/evidence-pack.png (copied from one run by hand).
      await page.setViewportSize({ width: 1280, height: 1500 });
      await pack.locator('h2', { hasText: 'Headline figures' }).evaluate((e) => e.scrollIntoView());
      await page.screenshot({ path: join(SCREENS, 'evidence-pack.png') });
      // The browser keeps no token: nothing in localStorage, and only the HttpOnly session cookie.
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      expect((await page.context().cookies()).map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([
        ['mht_session', true, 'Strict'],
      ]);
      await page.close();
    },
  );

  it('a wrong token shows the reason at sign-in; an ended session shows it on the page, and no pack', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/reports`);
    await page.getByLabel('API token').fill('not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/That API token is not valid/);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.close();

    const signedIn = await reportsPage(h.tokens.pcc_analyst);
    h.clock.advanceMinutes(h.config.signIn.idleTimeoutMinutes + 1); // left idle: the session ends
    await signedIn.click('text=Open evidence pack');
    await signedIn.locator('#msg:not(:empty)').waitFor(); // the page's answer, whatever it says
    expect(await signedIn.locator('#msg').textContent()).toBe('Your session has ended: sign in again.');
    expect(await signedIn.frameLocator('#pack').locator('h2').count()).toBe(0);
    await signedIn.close();
  });

  it('"Download CSVs (ZIP)" saves the CSVs behind every chart, with the definitions', async () => {
    const page = await reportsPage(h.tokens.mh_lead);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download CSVs (ZIP)')]);
    expect(download.suggestedFilename()).toBe('evidence-pack.zip');
    const files = unzipSync(readFileSync((await download.path())!));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'demand-report.csv',
        'definitions.csv',
        'monthly-trend.csv',
        's136-by-place-of-safety.csv',
        's136-outcomes.csv',
        'README.txt',
      ]),
    );
    expect(new TextDecoder().decode(files['definitions.csv']!)).toContain('s136Outcomes');
    await page.close();
  });

  it('prints to A4: self-contained, every column inside the page, every figure of every section tabled', async () => {
    const r = await fetch(`${base}/api/reports/evidence-pack?from=${FROM}&to=${TO}`, {
      headers: { authorization: `Bearer ${h.tokens.pcc_analyst}` },
    });
    const html = await r.text();
    const report = await apiJson(`/api/reports/demand?from=${FROM}&to=${TO}&groupBy=month`, h.tokens.pcc_analyst);
    const page = await browser.newPage({ viewport: { width: A4_PRINTABLE_PX, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (q) => requests.push(q.url()));
    await page.setContent(html);
    await page.emulateMedia({ media: 'print' });
    expect(requests, 'the pack fetches nothing').toEqual([]);
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      overflowing: [...document.querySelectorAll('table, svg')].filter(
        (e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5,
      ).length,
    }));
    expect(layout.overflowing).toBe(0);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    // Split into narrower tables where a section has many figures, but none left out.
    for (const s of report.sections) {
      const headers = await page.locator(`table[data-section="${s.id}"] thead th`).allTextContents();
      const tables = await page.locator(`table[data-section="${s.id}"]`).count();
      expect(headers.length - tables, s.id).toBe(s.measures.length);
      for (const m of s.measures) expect(headers, `${s.id}.${m.id}`).toContain(m.label);
    }
    const pdf = Buffer.from(await page.pdf({ format: 'A4', printBackground: true }));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)!.length).toBeGreaterThanOrEqual(4);
    await page.close();
  });
});
