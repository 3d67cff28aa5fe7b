/**
 * The console in real Chromium, for the browser tests: the app of a test harness (real SQLite file,
 * manual clock) served on 127.0.0.1 on a port the system picks; a signed-in browser context per
 * user (through /sign-in with the user's API token, as a person does); axe-core run inside the page
 * (serious and critical findings only); a screenshot of each screen kept under
 * .test-results/screens/<name>.png for a person to look at; and every console error, script error
 * or CSP violation the page reports, collected so a test can require none.
 */
import { serve, type ServerType } from '@hono/node-server';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './browser.js';
import { createHarness, type Harness, type HarnessOptions } from './harness.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const SCREENS_DIR = join('.test-results', 'screens');

/** A control-room screen. */
export const VIEWPORT = { width: 1920, height: 1080 };

export interface ConsoleRig {
  h: Harness;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** A harness served on 127.0.0.1:0 and a Chromium. */
export async function startConsole(opts: HarnessOptions = {}): Promise<ConsoleRig> {
  const h = createHarness(opts);
  const server: ServerType = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // As a UK control-room PC: British date and time formats in the date-time fields.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=en-GB',
    ],
    env: { ...process.env, LANG: 'en_GB.UTF-8' },
  });
  return {
    h,
    base,
    browser,
    async close() {
      await browser.close();
      // Event streams stay open until their browser goes; then the server can stop.
      if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
      await new Promise((r) => server.close(r));
      await h.close();
    },
  };
}

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  /** Console errors, script errors and CSP violations the page reported. */
  problems: string[];
}

/** A fresh browser context signed in with `token` at /sign-in, on `next` (default /console). */
export async function signIn(rig: ConsoleRig, token: string, next = '/console'): Promise<SignedIn> {
  const context = await rig.browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${rig.base}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === next.split('?')[0]);
  return { context, page, problems };
}

/** axe-core's serious and critical findings on the page as it is now ("rule: n × selector"). */
export async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.nodes.length} × ${v.nodes[0]?.target} (${v.help})`);
  });
}

/** Saves the page as .test-results/screens/<name>.png (the whole page when `fullPage`). */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Waits until the page's event stream is open (the header says "Live"). */
export async function whenLive(page: Page): Promise<void> {
  await page.locator('#live-status[data-state="live"]').waitFor();
}
