/**
 * The console's frame in real Chromium: behind sign-in; the header names the force, the user and
 * their role, with sign-out, the navigation their role may use and the live-connection indicator;
 * the keyboard shortcut help; a role with no console screen is told so; no CSP violation or script
 * error; axe-core finds nothing serious or critical; a screenshot of the queue is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, type ConsoleRig, screenshot, signIn, startConsole, whenLive } from '../support/console-browser.js';

let rig: ConsoleRig;

beforeAll(async () => {
  rig = await startConsole();
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

describe('the console frame', () => {
  it('asks for sign-in first, then shows who is signed in, the navigation and a live connection', async () => {
    const context = await rig.browser.newContext();
    const anonymous = await context.newPage();
    await anonymous.goto(`${rig.base}/console`);
    expect(new URL(anonymous.url()).pathname).toBe('/sign-in');
    await context.close();

    const { page, problems, context: signedIn } = await signIn(rig, rig.h.tokens.call_handler);
    const header = page.locator('header.top');
    await expect.poll(() => header.textContent()).toContain('Kent Police');
    expect(await header.locator('.user-name').textContent()).toBe('Test call_handler');
    expect(await header.locator('.user-role').textContent()).toBe('Call handler');
    expect(await header.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    const nav = await header.getByRole('navigation').getByRole('link').allTextContents();
    expect(nav.map((t) => t.replace(/[a-z]$/, '').trim())).toEqual(['Queue', 'New call', 's.136 board', 'Alerts']);
    await whenLive(page);
    expect(await page.locator('#live-status').textContent()).toContain('Live');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-queue-empty');
    expect(problems).toEqual([]);
    await signedIn.close();
  });

  it('? opens the keyboard shortcut help and Escape closes it', async () => {
    const { page, problems, context } = await signIn(rig, rig.h.tokens.dispatcher);
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const keys = await help.locator('kbd').allTextContents();
    expect(keys).toEqual(expect.arrayContaining(['?', '/', 'q', 'n', 'b', 'a', 'j / ↓', 'k / ↑']));
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-shortcuts');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    // "/" goes to the page's first filter.
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-district');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a role with no console screen is told so, with where to go instead', async () => {
    const { page, problems, context } = await signIn(rig, rig.h.tokens.pcc_analyst);
    expect(await page.locator('h1').textContent()).toBe('Nothing here for your role');
    const nav = await page.locator('header nav a').count();
    expect(nav).toBe(0);
    expect(problems.filter((p) => !p.includes('403'))).toEqual([]);
    await context.close();
  });

  it('signing out ends the session: the console asks for sign-in again', async () => {
    const { page, context } = await signIn(rig, rig.h.tokens.supervisor);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/sign-in');
    await page.goto(`${rig.base}/console`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });
});
