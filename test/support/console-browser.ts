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
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
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
    // A refused form answers its page with 400/403/409/422, which Chromium also logs: that is the design.
    if (m.type() === 'error' && !/^Failed to load resource: .* status of 4(00|03|09|22) /.test(m.text()))
      problems.push(m.text());
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

/**
 * Saves the page as .test-results/screens/<name>.png (the whole page when `fullPage`, taken from the top:
 * a sticky element of a scrolled page would otherwise be drawn where the window was).
 */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage });
  return path;
}

/** Waits until the page's event stream is open (the header says "Live"). */
export async function whenLive(page: Page): Promise<void> {
  await page.locator('#live-status[data-state="live"]').waitFor();
}

/** Opens an action of the incident page ("What can be done now") by its name; returns its section. */
export async function openAction(page: Page, name: string): Promise<Locator> {
  const action = page.locator('details.action').filter({ has: page.locator('summary', { hasText: name }) });
  await action.locator('summary').click();
  return action;
}

/** A fieldset (a question with choices, a group of fields) by its legend. */
export const group = (scope: Page | Locator, legend: string | RegExp) => scope.getByRole('group', { name: legend });

/** Presses a form's button and waits for the page it leads to. */
export async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button }).click()]);
}

/** Submits a form that must be recorded: fails with what the page said when it was not. */
export async function record(page: Page, button: string): Promise<void> {
  await submit(page, button);
  const refused = page.locator('.refusal, .error-summary, .stale');
  if ((await refused.count()) > 0)
    throw new Error(`not recorded: ${((await refused.first().textContent()) ?? '').trim()}`);
}

/**
 * Moves the server's clock on by `minutes` while the user keeps working (a request every 10 minutes
 * of it), so the session's 15-minute idle timeout does not end it; then reloads the page.
 */
export async function elapse(rig: ConsoleRig, page: Page, minutes: number): Promise<void> {
  for (let left = minutes; left > 0; left -= 10) {
    rig.h.clock.advanceMinutes(Math.min(10, left));
    await page.request.get(`${rig.base}/console/partials/badge`);
  }
  await page.reload();
}
