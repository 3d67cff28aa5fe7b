/**
 * Two people on two consoles (two browser contexts, real Chromium, the real change feed): a call one
 * records appears in the other's queue within a second, without a reload; a form the second person
 * opened before the first person changed the incident is refused with "changed since you opened it",
 * what changed and their input kept; an alert the system raises (a clock running out) does not make
 * anyone's form stale, but does reach the other console's alert badge by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import {
  axe,
  type ConsoleRig,
  elapse,
  group,
  openAction,
  record,
  screenshot,
  signIn,
  startConsole,
  submit,
  whenLive,
} from '../support/console-browser.js';

let rig: ConsoleRig;

beforeAll(async () => {
  rig = await startConsole({ start: '2026-11-23T21:00:00Z' });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const thriveNotes = [
  ['Threat', 'none identified'],
  ['Harm', 'may be injured'],
  ['Risk', 'medium'],
  ['Investigation', 'none identified'],
  ['Vulnerability', 'lives alone'],
  ['Engagement', 'caller on the line'],
  ['Rationale', 'police needed to check'],
] as const;

describe('two consoles at once', () => {
  it('a new call reaches the other queue within a second; a stale form says what changed, input kept', async () => {
    const a = await signIn(rig, rig.h.tokens.dispatcher);
    const b = await signIn(rig, rig.h.tokens.call_handler, '/console/calls/new');
    await whenLive(a.page);

    // B records a call; A's queue shows it without a reload.
    await group(b.page, 'Channel').getByLabel('999').check();
    await b.page.getByLabel('Category').selectOption({ label: 'Mental-health crisis in a public place' });
    await b.page.getByLabel('District').selectOption('Dover');
    await b.page.getByLabel(/^Log reference/).fill('LIVE-0001');
    await group(b.page, /^Mental-health related \(at the call\)/)
      .getByLabel('Yes')
      .check();
    await record(b.page, 'Record the call');
    const row = a.page.locator('table.queue a', { hasText: 'LIVE-0001' });
    await row.waitFor({ timeout: 1000 });
    expect(await a.page.locator('.counts').textContent()).toContain('1 open');

    // Both open the incident; B assesses it (that changes it), A's THRIVE form was opened before.
    await row.click();
    await a.page.waitForURL(/\/console\/incidents\//);
    const incidentUrl = a.page.url();
    await b.page.goto(incidentUrl);
    const aForm = await openAction(a.page, 'THRIVE assessment');
    for (const [field, text] of thriveNotes) await aForm.getByLabel(field).fill(`A: ${text}`);
    const bForm = await openAction(b.page, 'THRIVE assessment');
    for (const [field, text] of thriveNotes) await bForm.getByLabel(field).fill(`B: ${text}`);
    await record(b.page, 'Record: THRIVE assessment');
    // A sees the change arrive in the timeline by itself; the form A is typing in is left alone.
    await a.page.locator('#timeline', { hasText: 'B: may be injured' }).waitFor({ timeout: 1000 });
    expect(await aForm.getByLabel('Harm').inputValue()).toBe('A: may be injured');
    await submit(a.page, 'Record: THRIVE assessment');
    const stale = a.page.locator('.stale');
    expect(await stale.textContent()).toContain('Changed since you opened it');
    expect(await stale.textContent()).toMatch(/THRIVE assessment by Test call_handler \(Call handler\)/);
    expect(await a.page.getByLabel('Harm').inputValue()).toBe('A: may be injured');
    expect(await axe(a.page)).toEqual([]);
    await screenshot(a.page, 'console-incident-stale');
    // Having seen what changed, A sends the same form again: it is recorded.
    await record(a.page, 'Record: THRIVE assessment');
    expect(await a.page.locator('.flash').textContent()).toContain('THRIVE assessment');
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });

  it("a system alert does not make a form stale, and reaches the other console's alert badge by itself", async () => {
    const a = await signIn(rig, rig.h.tokens.supervisor);
    const b = await signIn(rig, rig.h.tokens.dispatcher, '/console/calls/new');
    await group(b.page, 'Channel').getByLabel('999').check();
    await b.page.getByLabel('Category').selectOption({ label: 'Suicide or self-harm concern' });
    await b.page.getByLabel('District').selectOption('Thanet');
    await b.page.getByLabel(/^Log reference/).fill('LIVE-0002');
    await group(b.page, /^Mental-health related \(at the call\)/)
      .getByLabel('Yes')
      .check();
    await record(b.page, 'Record the call');
    const thrive = await openAction(b.page, 'THRIVE assessment');
    for (const [field, text] of thriveNotes) await thrive.getByLabel(field).fill(text);
    await record(b.page, 'Record: THRIVE assessment');
    const grade = await openAction(b.page, 'Grade');
    await grade.getByLabel(/^G2 Priority/).check();
    await record(b.page, 'Record: Grade');

    // B starts a dispatch; meanwhile the G2 unresourced clock (40 min) runs out and the sweeper raises R6.
    const dispatch = await openAction(b.page, 'Dispatch police');
    await dispatch.getByLabel('Call sign').first().fill('TN14');
    await dispatch.getByLabel('Officers').first().fill('2');
    await dispatch.getByLabel('Type').first().selectOption('response');
    await a.page.goto(`${rig.base}/console`);
    await whenLive(a.page);
    const badge = a.page.locator('#alert-badge');
    const before = Number((await badge.textContent())?.match(/\d+/)?.[0] ?? 0);
    for (let m = 0; m < 41; m += 10) {
      rig.h.clock.advanceMinutes(Math.min(10, 41 - m));
      await a.page.request.get(`${rig.base}/console/partials/badge`);
      await b.page.request.get(`${rig.base}/console/partials/badge`);
    }
    expect(sweepDeadlines(rig.h.deps).fired).toBe(1);
    await expect
      .poll(async () => Number((await badge.textContent())?.match(/\d+/)?.[0] ?? 0), { timeout: 1000 })
      .toBe(before + 1);
    // The system's alert is not a change anyone decided on: B's dispatch is recorded, no 409.
    await record(b.page, 'Record: Dispatch police');
    expect(await b.page.locator('#incident-header').textContent()).toContain('Police response');
    await elapse(rig, b.page, 1);
    expect(await b.page.locator('#incident-header').textContent()).toContain('R6');
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });
});
