/**
 * The console on a busy shift (real Chromium, real server, real SQLite file): the demo's live shift
 * (src/demo/live-shift.ts — about forty open incidents in every state, three running s.136 clocks,
 * alerts) recorded on the server's injected clock, then the queue, the s.136 board, the alerts and a
 * detention's incident page as a supervisor sees them: axe-core on each, a screenshot of each.
 *
 * It holds what once looked wrong on these screens: a time since the call that read as negative
 * ("– 2 min": the neutral tag's dash before a duration), a call the page thought had come in after
 * "now", and the timeline's header row drawn between its events once the page was scrolled.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordLiveShift } from '../../src/demo/live-shift.js';
import { buildIncidentInputs } from '../../src/domain/incident-inputs.js';
import { axe, type ConsoleRig, screenshot, signIn, startConsole, whenLive } from '../support/console-browser.js';

let rig: ConsoleRig;

beforeAll(async () => {
  rig = await startConsole({ start: '2026-11-23T21:30:00Z' });
  const h = rig.h;
  const users = h.db.$client.prepare('SELECT id, role FROM users').all() as Array<{ id: string; role: string }>;
  const actor = (role: 'call_handler' | 'dispatcher') => ({ id: users.find((u) => u.role === role)!.id, role });
  await recordLiveShift(h.deps, buildIncidentInputs(h.config), {
    now: h.clock.now(),
    localDate: '20261123',
    callHandler: actor('call_handler'),
    dispatcher: actor('dispatcher'),
  });
}, 120_000);
afterAll(async () => {
  await rig?.close();
});

/** Every clock on the page as shown (icon and words), with what it counts from, and the page's "now". */
const clocks = (page: Page) =>
  page.evaluate(() => ({
    now: Date.parse(document.body.dataset.serverNow ?? ''),
    shown: [...document.querySelectorAll<HTMLElement>('[data-clock]')].map((el) => ({
      text: (el.textContent ?? '').trim(),
      since: el.dataset.since ? Date.parse(el.dataset.since) : null,
    })),
  }));

/** No clock reads as a negative time, and no call came in after the page's "now". */
async function clocksAreSound(page: Page) {
  const { now, shown } = await clocks(page);
  expect(Number.isFinite(now)).toBe(true);
  expect(shown.length).toBeGreaterThan(0);
  for (const c of shown) {
    expect(c.text, 'a clock that reads as a negative time').not.toMatch(/^[-–—−]/);
    expect(c.text).toMatch(/\d+ (min|h|d)\b/);
    if (c.since !== null) expect(c.since, c.text).toBeLessThanOrEqual(now);
  }
}

describe('the console on a busy shift', () => {
  it('queue, board, alerts and a detention: sound clocks, the timeline header in its place', async () => {
    const { page, problems } = await signIn(rig, rig.h.tokens.supervisor);
    await whenLive(page);
    const rows = page.locator('table.queue tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(38);
    // The ungraded calls: a time since the call with no target, the tag that once read "– 2 min".
    const waiting = rows.filter({ hasText: 'Not graded' }).first().locator('[data-clock="elapsed"]');
    expect(await waiting.textContent()).toMatch(/^\s*○\s*\d+ min\s*$/);
    await clocksAreSound(page);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-shift-queue');

    await page.keyboard.press('b');
    await page.waitForURL(/\/console\/board$/);
    expect(await page.locator('table.board tbody tr').count()).toBe(3);
    await clocksAreSound(page);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-shift-board');

    await page.keyboard.press('a');
    await page.waitForURL(/\/console\/alerts$/);
    expect(await page.locator('table.alerts tbody tr').count()).toBeGreaterThanOrEqual(10);
    // The rules' sentences with their times as local times, never the API's ISO instants.
    expect(await page.locator('table.alerts').textContent()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-shift-alerts');

    // A detention from the board: a long timeline. Scrolled down, its header row stays above its events.
    await page.keyboard.press('b');
    await page.waitForURL(/\/console\/board$/);
    await page.locator('table.board tbody tr').first().getByRole('link').click();
    await page.waitForURL(/\/console\/incidents\//);
    await clocksAreSound(page);
    const since = page.locator('#incident-header .clock-list li', { hasText: 'Since the call' });
    expect(await since.textContent()).toMatch(/^Since the call\s*[✔▲✖●○]\s*\S/);
    const timeline = page.locator('#timeline table');
    expect(await timeline.locator('tbody tr').count()).toBeGreaterThanOrEqual(8);
    // Scrolled until the table's top has left the window.
    await timeline.evaluate((t) => window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY + 200));
    const head = (await timeline.locator('thead th').first().boundingBox())!;
    const first = (await timeline.locator('tbody tr').first().boundingBox())!;
    expect(first.y).toBeLessThan(0);
    expect(head.y + head.height).toBeLessThanOrEqual(first.y + 1);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-shift-detention', true);
    expect(problems).toEqual([]);
  });
});
