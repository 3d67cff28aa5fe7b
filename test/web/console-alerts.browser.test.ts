/**
 * Alerts on the console (real Chromium, real server): an unacknowledged critical alert (a s.136
 * clock that ran out) is on every screen, for every role that may read alerts, until someone
 * acknowledges it with a note — on the alerts screen, through the API's command — and then it leaves
 * every open console by itself; a supervisor escalates a warning to a named person at a level; a
 * call handler is not offered escalation, an officer not even acknowledgement (ACCESS.md).
 *
 * The detention whose clock runs out is set up through the API (it is not the journey under test).
 */
import type { Locator, Page } from 'playwright-core';
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
let incidentId: string;

/** The escalation a supervisor is offered on an alert (the same locator for the roles that are not). */
const escalation = (scope: Page | Locator) => scope.locator('details.escalate > summary', { hasText: 'Escalate' });

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
  incidentId = id;
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

describe('alerts on the console', () => {
  it('a critical alert is on every screen until acknowledged with a note; other consoles lose it live', async () => {
    // Another console is open on the queue and on the alerts screen (a dispatcher with two screens).
    const other = await signIn(rig, rig.h.tokens.dispatcher);
    const otherAlerts = await other.context.newPage();
    otherAlerts.on('pageerror', (e) => other.problems.push(e.message));
    await otherAlerts.goto(`${rig.base}/console/alerts`);
    for (const p of [other.page, otherAlerts]) {
      await whenLive(p);
      expect(await p.locator('#alert-banner').textContent()).toContain('1 critical alert not acknowledged');
      // A mark that a reload would wipe: the change must come without one.
      await p.evaluate(() => Object.assign(window, { notReloaded: true }));
    }
    const otherCritical = otherAlerts.locator('table.alerts tbody tr', { hasText: 'Critical' });
    expect(await otherCritical.count()).toBe(1);

    const { page, problems } = await signIn(rig, rig.h.tokens.call_handler);
    const screens = [
      '/console',
      '/console/calls/new',
      '/console/board',
      '/console/alerts',
      `/console/incidents/${incidentId}`,
    ];
    for (const path of screens) {
      await page.goto(`${rig.base}${path}`);
      const text = (await page.locator('#alert-banner').textContent()) ?? '';
      expect(text, path).toContain('1 critical alert not acknowledged');
      expect(text, path).toContain('ALERT-0001');
      expect(text, path).toContain('R23');
    }
    await page.goto(`${rig.base}/console`);
    await page.locator('#alert-banner').getByRole('link', { name: 'ALERT-0001' }).click();
    await page.waitForURL((u) => u.pathname === `/console/incidents/${incidentId}`);
    expect(await page.locator('#alert-banner').textContent()).toContain('critical');
    await screenshot(page, 'console-incident-critical-banner');

    await page.keyboard.press('a');
    await page.waitForURL(/\/console\/alerts$/);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-alerts');
    const critical = page.locator('table.alerts tbody tr', { hasText: 'Critical' });
    expect(await critical.count()).toBe(1);
    // A call handler may acknowledge, not escalate: not offered, and refused if posted all the same.
    expect(await critical.getByRole('button', { name: 'Acknowledge' }).count()).toBe(1);
    expect(await escalation(page).count()).toBe(0);
    const alertAction = (await critical.locator('form').first().getAttribute('action'))!;
    const forged = await page.request.post(`${rig.base}${alertAction.replace(/acknowledge$/, 'escalate')}`, {
      headers: { Origin: rig.base },
      form: { csrf: (await critical.locator('input[name="csrf"]').inputValue())!, to: 'duty superintendent' },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('(alerts: escalate); roles that may: supervisor');

    await critical.getByLabel('Note').fill('duty inspector informed; AMHP chased');
    await Promise.all([page.waitForNavigation(), critical.getByRole('button', { name: 'Acknowledge' }).click()]);
    expect(await page.locator('.flash').textContent()).toContain('Acknowledged');
    expect(await page.locator('#alert-banner').textContent()).not.toContain('critical');
    expect(await critical.count()).toBe(0);

    // The other console loses the banner and the alert by itself, within a second, without a reload.
    for (const p of [other.page, otherAlerts]) {
      await expect.poll(() => p.locator('#alert-banner').textContent(), { timeout: 1000 }).not.toContain('critical');
    }
    await expect.poll(() => otherCritical.count(), { timeout: 1000 }).toBe(0);
    for (const p of [other.page, otherAlerts]) {
      expect(await p.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
    }

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
    // A supervisor may also acknowledge; escalation is offered on every alert in view.
    expect(await warning.getByRole('button', { name: 'Acknowledge' }).count()).toBe(1);
    expect(await escalation(page).count()).toBe(await page.locator('table.alerts tbody tr').count());
    await escalation(warning).click();
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

    // The officer sees the same unacknowledged alerts (a call handler would be offered Acknowledge on each).
    const officer = await signIn(rig, rig.h.tokens.officer, '/console/alerts');
    const unacknowledged = officer.page.locator('table.alerts tbody tr');
    expect(await unacknowledged.count()).toBeGreaterThan(0);
    expect(await officer.page.locator('table.alerts').textContent()).not.toContain('Acknowledged by');
    expect(await officer.page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await officer.page.getByLabel('Note').count()).toBe(0);
    expect(await escalation(officer.page).count()).toBe(0);
    expect(officer.problems).toEqual([]);
  });
});
