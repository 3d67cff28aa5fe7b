/**
 * R1a, an immediate call, through the console's screens only (real Chromium, real server, real SQLite
 * file): a call handler takes a 999 call with an obvious threat and grades it at once — the immediate
 * grades only, with how soon THRIVE must follow, and no THRIVE first — a dispatcher sends police from
 * the queue, and the THRIVE follows within its minutes, which stops its clock (no alert later). In the
 * second call the THRIVE is late: the server's clock is moved past its deadline (the injected clock,
 * then the sweeper, as the scheduler would), the R1a alert reaches the open incident page by itself
 * and is on the alerts screen for the supervisor; closure is listed as "not yet" with the machine's
 * reason, and when sent anyway is refused (422) inline naming R1a, the input kept, until the THRIVE
 * is recorded. A summer date, so a time shown in UTC instead of local time would be an hour out.
 */
import type { Page } from 'playwright-core';
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
  whenLive,
} from '../support/console-browser.js';

let rig: ConsoleRig;

beforeAll(async () => {
  rig = await startConsole({ start: '2026-07-14T21:00:00Z' });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

/** `minutesOn` from the server clock, on a London clock in July (UTC+1): worked out here, not by the console. */
const londonTime = (minutesOn = 0) =>
  new Date(rig.h.clock.now().getTime() + 3_600_000 + minutesOn * 60_000).toISOString().slice(11, 16);

/** A 999 call about a man on a bridge, taken on the new-call screen; leaves the page on the incident. */
async function takeCall(page: Page, reference: string, summary: string) {
  await page.keyboard.press('n');
  await page.waitForURL(/\/console\/calls\/new$/);
  await page.getByLabel(/^Log reference/).fill(reference);
  await group(page, 'Channel').getByLabel('999').check();
  await page.getByLabel('Category').selectOption({ label: 'Mental-health crisis in a public place' });
  await page.getByLabel('District').selectOption('Maidstone');
  await group(page, /^Urban or rural/)
    .getByLabel('Urban')
    .check();
  await group(page, /^Mental-health related \(at the call\)/)
    .getByLabel('Yes')
    .check();
  await page.getByLabel(/^Summary/).fill(summary);
  await record(page, 'Record the call');
}

/** The immediate grade with its obvious threat. */
async function gradeImmediately(page: Page, threat: string) {
  const immediate = await openAction(page, 'Immediate grade (obvious threat)');
  await immediate.getByLabel(/^G1 Emergency/).check();
  await immediate.getByLabel(/^Obvious threat/).fill(threat);
  await record(page, 'Record: Immediate grade (obvious threat)');
}

async function recordThrive(page: Page) {
  const thrive = await openAction(page, 'THRIVE assessment');
  for (const [field, text] of [
    ['Threat', 'knife seen by the caller; threat to himself'],
    ['Harm', 'could fall or cut himself'],
    ['Risk', 'high: on the parapet'],
    ['Investigation', 'none identified'],
    ['Vulnerability', 'known to the crisis team; lives alone'],
    ['Engagement', 'talking to the officers'],
    ['Rationale', 'real and immediate risk to life: police attend'],
  ] as const)
    await thrive.getByLabel(field).fill(text);
  await record(page, 'Record: THRIVE assessment');
}

const header = (page: Page) => page.locator('#incident-header');
const offered = (page: Page) => page.locator('#actions details.action summary').allTextContents();

describe('R1a an immediate call through the console', () => {
  it('R1a an immediate call is graded with its obvious threat before THRIVE, police sent, THRIVE after', async () => {
    const handler = await signIn(rig, rig.h.tokens.call_handler);
    const page = handler.page;
    await takeCall(page, 'R1A-0001', 'man on the bridge parapet with a knife');
    const thriveDue = londonTime(30);

    // Both paths are offered on a new call: THRIVE first, or the immediate grade; not an ordinary grade.
    const actions = await offered(page);
    expect(actions.some((a) => a.includes('THRIVE assessment'))).toBe(true);
    expect(actions.some((a) => a.includes('Immediate grade (obvious threat)'))).toBe(true);
    expect(actions.some((a) => /^\d?Grade$/.test(a.trim()))).toBe(false);

    // Only the grades the force marks immediate, each with how soon THRIVE must follow.
    const immediate = await openAction(page, 'Immediate grade (obvious threat)');
    const grades = await immediate.locator('label.choice').allTextContents();
    expect(grades).toHaveLength(1);
    expect(grades[0]).toMatch(/^G1 Emergency.*THRIVE within 30 min/);
    expect(await immediate.locator('.guidance').textContent()).toContain('must follow within 30 minutes');

    // No obvious threat written: R1a refuses it, inline, and the choice made is kept.
    await immediate.getByLabel(/^G1 Emergency/).check();
    const [refused] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Record: Immediate grade (obvious threat)' }).click(),
    ]);
    expect(refused?.status()).toBe(422);
    const refusal = page.locator('.refusal');
    expect(await refusal.textContent()).toContain('Not recorded: rule R1a');
    expect(await refusal.textContent()).toContain('needs a note of the obvious threat');
    expect(await page.getByLabel(/^G1 Emergency/).isChecked()).toBe(true);

    await page.getByLabel(/^Obvious threat/).fill('caller sees him on the parapet holding a knife');
    await record(page, 'Record: Immediate grade (obvious threat)');
    const graded = (await header(page).textContent()) ?? '';
    expect(graded).toContain('G1 Emergency');
    expect(graded).toContain('Immediate grade (R1a): THRIVE to follow');
    expect(graded).toMatch(
      new RegExp(`THRIVE due \\(R1a, after the immediate grade\\)\\s*✔\\s*30 min left\\s*at ${thriveDue}`),
    );
    expect(await page.locator('#timeline').textContent()).toContain(
      'Obvious threatcaller sees him on the parapet holding a knife',
    );
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-incident-immediate');

    // A dispatcher sends police from the queue, where the graded call has appeared by itself.
    const dispatcher = await signIn(rig, rig.h.tokens.dispatcher);
    await whenLive(dispatcher.page);
    const row = dispatcher.page.locator('table.queue tbody tr', { hasText: 'R1A-0001' });
    expect(await row.textContent()).toContain('G1');
    await row.getByRole('link', { name: 'R1A-0001' }).click();
    const dispatch = await openAction(dispatcher.page, 'Dispatch police');
    await dispatch.getByLabel('Call sign').first().fill('MN31');
    await dispatch.getByLabel('Officers').first().fill('2');
    await dispatch.getByLabel('Type').first().selectOption('response');
    await record(dispatcher.page, 'Record: Dispatch police');
    expect(await header(dispatcher.page).textContent()).toContain('Police response');

    // The handler's page shows the dispatch by itself; ten minutes on, the THRIVE follows.
    await header(page).getByText('Police response').waitFor();
    await elapse(rig, page, 10);
    expect(await header(page).textContent()).toMatch(/THRIVE due[\s\S]*20 min left/);
    await recordThrive(page);
    const assessed = (await header(page).textContent()) ?? '';
    expect(assessed).toContain('Immediate grade (R1a), THRIVE recorded');
    expect(assessed).not.toContain('THRIVE due');

    // Its clock stopped: long past the deadline, the sweeper raises no R1a alert.
    await elapse(rig, page, 40);
    sweepDeadlines(rig.h.deps);
    await page.reload();
    expect(await header(page).locator('.alerts-list').textContent()).not.toContain('R1a');
    expect(handler.problems).toEqual([]);
    expect(dispatcher.problems).toEqual([]);
    await dispatcher.context.close();
    await handler.context.close();
  });

  it('R1a a late THRIVE raises the alert on the incident and alerts screen; closure waits for the THRIVE', async () => {
    const handler = await signIn(rig, rig.h.tokens.call_handler);
    const page = handler.page;
    const calledAt = rig.h.clock.now();
    const calledLondon = londonTime();
    await takeCall(page, 'R1A-0002', 'man on the bridge parapet, shouting he will jump');
    await gradeImmediately(page, 'caller sees him climbing over the railings');

    // Before police are sent he comes down and goes home with his brother: advice only.
    await elapse(rig, page, 3);
    const rcrp = await openAction(page, 'RCRP decision');
    await group(page, 'Is a crime being committed or about to be?').getByLabel('No').check();
    await group(page, 'Is there a real and immediate risk to life?').getByLabel('No').check();
    await group(page, 'Is there a real and immediate risk of serious harm?').getByLabel('No').check();
    await group(page, 'Decision')
      .getByLabel(/^Advice only/)
      .check();
    await rcrp.getByLabel('Rationale').fill('he came down and went home with his brother; no risk now');
    await record(page, 'Record: RCRP decision');
    const advice = await openAction(page, 'Advice given');
    await advice.getByLabel(/^Summary/).fill('brother given the crisis line and NHS 111 option 2');
    await record(page, 'Record: Advice given');
    await whenLive(page);

    // The THRIVE is late: the clock moves past its 30 minutes and the sweeper runs, as the scheduler would.
    for (let i = 0; i < 3; i++) {
      rig.h.clock.advanceMinutes(10);
      await page.request.get(`${rig.base}/console/partials/badge`);
    }
    expect(rig.h.clock.now().getTime() - calledAt.getTime()).toBeGreaterThan(30 * 60_000);
    expect(sweepDeadlines(rig.h.deps).fired).toBe(1);

    // The open incident page shows the alert by itself (no reload), in local time (BST, not UTC).
    const alert = header(page).locator('.alerts-list li', { hasText: 'R1a' });
    await alert.waitFor({ timeout: 2000 });
    const alertText = (await alert.textContent()) ?? '';
    expect(alertText).toContain('Warning');
    expect(alertText).toContain(`was set at ${calledLondon} on an obvious threat`);
    expect(alertText).toContain('within 30 min');
    expect(alertText).not.toMatch(/\d{4}-\d\d-\d\dT/);
    await page.reload();
    expect(await header(page).textContent()).toMatch(/THRIVE due \(R1a[^)]*\)\s*✖\s*overdue by 3 min/);

    // Closure: not offered with the others, listed under "Not yet" with the machine's reason.
    const numbered = await page.locator('#actions details.action summary .key').count();
    expect((await offered(page)).slice(0, numbered).some((a) => a.includes('Close incident'))).toBe(false);
    const close = await openAction(page, 'Close incident');
    expect(await close.locator('summary').textContent()).toContain('Close incident — not yet (R1a)');
    expect(await close.locator('.not-yet-reason').textContent()).toContain(
      'record the THRIVE assessment before closure',
    );
    // Sent anyway: refused (422) inline, naming R1a; the input stays.
    await group(close, /^Mental-health related \(at closure\)/)
      .getByLabel('Yes')
      .check();
    await close.getByLabel('Closure code').selectOption('adviceGiven');
    await close.getByLabel(/^Note/).fill('went home with his brother');
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Record: Close incident' }).click(),
    ]);
    expect(response?.status()).toBe(422);
    const refusal = page.locator('#action-INCIDENT_CLOSED .refusal');
    expect(await refusal.textContent()).toContain('Not recorded: rule R1a');
    expect(await refusal.textContent()).toContain(`was set at ${calledLondon} on an obvious threat, before THRIVE`);
    expect(await refusal.textContent()).toContain('record the THRIVE assessment before closure');
    expect(await page.getByLabel('Closure code').inputValue()).toBe('adviceGiven');
    expect(await page.getByLabel(/^Note/).inputValue()).toBe('went home with his brother');
    expect(await header(page).textContent()).not.toContain('Closed');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-incident-r1a-close-refused');

    // The supervisor is the one told (the grade's configuration): on the alerts screen.
    const supervisor = await signIn(rig, rig.h.tokens.supervisor, '/console/alerts');
    const row = supervisor.page.locator('table.alerts tbody tr', { hasText: 'R1A-0002' });
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('R1a');
    expect(rowText).toContain('Supervisor');
    expect(rowText).toContain(`was set at ${calledLondon} on an obvious threat`);
    expect(await axe(supervisor.page)).toEqual([]);
    await screenshot(supervisor.page, 'console-alerts-r1a');

    // The THRIVE recorded, closure is offered like any other action, and accepted.
    await recordThrive(page);
    expect(await page.locator('#actions').textContent()).not.toContain('Not yet');
    const closing = await openAction(page, 'Close incident');
    expect(await closing.locator('summary .key').count()).toBe(1);
    await group(closing, /^Mental-health related \(at closure\)/)
      .getByLabel('Yes')
      .check();
    await closing.getByLabel('Closure code').selectOption('adviceGiven');
    await record(page, 'Record: Close incident');
    expect(await header(page).textContent()).toContain('Closed');
    expect(handler.problems).toEqual([]);
    expect(supervisor.problems).toEqual([]);
  });
});
