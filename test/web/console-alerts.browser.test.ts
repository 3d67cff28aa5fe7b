/**
 * Alerts on the console (real Chromium, real server): an unacknowledged critical alert (a s.136
 * clock that ran out) is on every screen, for every role that may read alerts, until someone
 * acknowledges it with a note — on the alerts screen, through the API's command — and then it leaves
 * every open console by itself; a supervisor escalates a warning to a named person at a level; a
 * call handler is not offered escalation, an officer not even acknowledgement (ACCESS.md).
 *
 * The detention whose clock runs out is set up through the API (it is not the journey under test).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { axe, type ConsoleRig, screenshot, signIn, startConsole, whenLive } from '../support/console-browser.js';
import {
  arrived,
  considered,
  consulted,
  conveyed,
  createIncident,
  detained,
  dispatch,
  grade,
  thrive,
} from '../support/flows.js';

let rig: ConsoleRig;

beforeAll(async () => {
  rig = await startConsole({ start: '2026-11-22T20:00:00Z' });
  const h = rig.h;
  const id = await createIncident(h, { category: 'mhCrisisInPublic', reference: 'ALERT-0001' }, h.tokens.dispatcher);
  for (const e of [thrive(), grade('G1'), dispatch('MN31'), considered('d1'), consulted('d1'), detained('d1')]) {
    const r = await h.event(id, e, { token: h.tokens.dispatcher });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  for (const e of [conveyed('d1'), arrived('d1')]) {
    const r = await h.event(id, e, { token: h.tokens.dispatcher });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  // A day later, nobody recorded an outcome: the clock ran out (and its warnings before it).
  h.clock.advanceMinutes(24 * 60 + 5);
  expect(sweepDeadlines(h.deps).fired).toBeGreaterThanOrEqual(3);
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

describe('alerts on the console', () => {
  it('a critical alert is on every screen until acknowledged with a note; then it leaves the other console too', async () => {
    const other = await signIn(rig, rig.h.tokens.dispatcher);
    await whenLive(other.page);
    const banner = other.page.locator('#alert-banner');
    expect(await banner.textContent()).toContain('1 critical alert not acknowledged');

    const { page, problems } = await signIn(rig, rig.h.tokens.call_handler);
    for (const path of ['/console', '/console/calls/new', '/console/board', '/console/alerts']) {
      await page.goto(`${rig.base}${path}`);
      const text = (await page.locator('#alert-banner').textContent()) ?? '';
      expect(text, path).toContain('1 critical alert not acknowledged');
      expect(text, path).toContain('ALERT-0001');
      expect(text, path).toContain('R23');
    }
    await page.locator('#alert-banner').getByRole('link', { name: 'ALERT-0001' }).click();
    expect(await page.locator('#alert-banner').textContent()).toContain('critical');
    await screenshot(page, 'console-incident-critical-banner');

    await page.keyboard.press('a');
    await page.waitForURL(/\/console\/alerts$/);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-alerts');
    const critical = page.locator('table.alerts tbody tr', { hasText: 'Critical' });
    expect(await critical.count()).toBe(1);
    // A call handler may acknowledge, not escalate.
    expect(await critical.getByRole('button', { name: 'Acknowledge' }).count()).toBe(1);
    expect(await page.locator('details.escalate').count()).toBe(0);
    await critical.getByLabel('Note').fill('duty inspector informed; AMHP chased');
    await Promise.all([page.waitForNavigation(), critical.getByRole('button', { name: 'Acknowledge' }).click()]);
    expect(await page.locator('.flash').textContent()).toContain('Acknowledged');
    expect(await page.locator('#alert-banner').textContent()).not.toContain('critical');

    // The other console loses the banner by itself.
    await expect.poll(() => banner.textContent(), { timeout: 1000 }).not.toContain('critical');

    // What was done is shown with the alert.
    await page.goto(`${rig.base}/console/alerts?all=1&severity=critical`);
    expect(await page.locator('table.alerts tbody tr').textContent()).toMatch(
      /Acknowledged by Test call_handler \(Call handler\), \d\d:\d\d: duty inspector informed; AMHP chased/,
    );
    expect(problems).toEqual([]);
    expect(other.problems).toEqual([]);
  });

  it('a supervisor escalates a warning to a named person at a level; an officer may only read', async () => {
    const { page, problems } = await signIn(rig, rig.h.tokens.supervisor, '/console/alerts');
    const warning = page.locator('table.alerts tbody tr', { hasText: 'Warning' }).first();
    await warning.locator('summary', { hasText: 'Escalate' }).click();
    await warning.getByLabel('To').fill('duty superintendent');
    await warning.getByLabel(/^Level/).fill('2');
    await warning.getByLabel(/^Note/).last().fill('no outcome 18 hours in');
    await Promise.all([page.waitForNavigation(), warning.getByRole('button', { name: 'Escalate' }).click()]);
    expect(await page.locator('.flash').textContent()).toContain('Escalated');
    await page.goto(`${rig.base}/console/alerts?all=1`);
    expect(await page.locator('table.alerts').textContent()).toMatch(
      /Escalated to duty superintendent \(level 2\) by Test supervisor, \d\d:\d\d: no outcome 18 hours in/,
    );
    expect(problems).toEqual([]);

    const officer = await signIn(rig, rig.h.tokens.officer, '/console/alerts');
    expect(await officer.page.locator('table.alerts tbody tr').count()).toBeGreaterThan(0);
    expect(await officer.page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await officer.page.locator('details.escalate').count()).toBe(0);
    expect(officer.problems).toEqual([]);
  });
});
