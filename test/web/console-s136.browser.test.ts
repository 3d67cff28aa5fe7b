/**
 * A s.136 journey through the console's screens only (real Chromium, real server, real SQLite): a
 * dispatcher takes a call about a 16-year-old in crisis in the street, grades and dispatches, the
 * officer considers s.136, consults, detains and conveys; the place-of-safety form offers no police
 * station for a 16-year-old (R24); the clock appears on the s.136 board with the handover hour
 * running; the NHS accepts, police leave, the outcome is recorded and the detention leaves the board.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLocalInput } from '../../src/web/console/format.js';
import {
  axe,
  type ConsoleRig,
  elapse,
  group,
  openAction,
  screenshot,
  signIn,
  startConsole,
  record,
} from '../support/console-browser.js';

let rig: ConsoleRig;

beforeAll(async () => {
  rig = await startConsole({ start: '2026-11-23T21:00:00Z' });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

describe('a s.136 detention through the console', () => {
  it('R24: no police station is offered for a 16-year-old; the clock runs on the board until the outcome', async () => {
    const { page, problems } = await signIn(rig, rig.h.tokens.dispatcher, '/console/calls/new');
    await group(page, 'Channel').getByLabel('999').check();
    await page.getByLabel('Category').selectOption({ label: 'Mental-health crisis in a public place' });
    await page.getByLabel('District').selectOption('Maidstone');
    await group(page, /^Urban or rural/)
      .getByLabel('Urban')
      .check();
    await group(page, /^Mental-health related \(at the call\)/)
      .getByLabel('Yes')
      .check();
    await page.getByLabel(/^Summary/).fill('teenager shouting at traffic at the bus station, walking into the road');
    await page.getByLabel(/^Age \(years\)/).fill('16');
    await record(page, 'Record the call');

    const thrive = await openAction(page, 'THRIVE assessment');
    for (const [field, text] of [
      ['Threat', 'walking into traffic'],
      ['Harm', 'could be struck by a vehicle'],
      ['Risk', 'high: immediate'],
      ['Investigation', 'none identified'],
      ['Vulnerability', 'a child, appears to be hearing voices'],
      ['Engagement', 'not engaging with staff at the station'],
      ['Rationale', 'immediate risk to life: police attend now'],
    ] as const)
      await thrive.getByLabel(field).fill(text);
    await record(page, 'Record: THRIVE assessment');
    const grade = await openAction(page, 'Grade');
    await grade.getByLabel(/^G1 Emergency/).check();
    await record(page, 'Record: Grade');

    const dispatch = await openAction(page, 'Dispatch police');
    await dispatch.getByLabel('Call sign').first().fill('MN31');
    await dispatch.getByLabel('Officers').first().fill('2');
    await dispatch.getByLabel('Type').first().selectOption('response');
    await record(page, 'Record: Dispatch police');
    await elapse(rig, page, 8);
    await openAction(page, 'Resource arrived');
    await record(page, 'Record: Resource arrived');

    const officer = async (scope: ReturnType<typeof group>) => {
      await scope.getByLabel('Name').fill('PC 4521 A. Shah');
      await scope.getByRole('group', { name: 'Role' }).getByLabel('Constable', { exact: true }).check();
    };
    const considered = await openAction(page, 's.136 considered');
    await officer(group(considered, 'Officer'));
    await record(page, 'Record: s.136 considered');
    await elapse(rig, page, 3);
    const consulted = await openAction(page, 's.136 consultation');
    await group(consulted, 'Consultation practicable').getByLabel('Yes').check();
    await consulted.getByLabel(/^Profession/).selectOption({ label: 'Registered nurse' });
    await consulted.getByLabel(/^Who was consulted/).fill('street triage nurse');
    await consulted.getByLabel(/^Advice/).fill('supports removal to a place of safety');
    await record(page, 'Record: s.136 consultation');
    const detained = await openAction(page, 's.136 detention');
    await group(detained, 'Removed or kept').getByLabel('Removed').check();
    await detained.getByLabel('Where the power was used').selectOption('street');
    for (const q of [
      'Appears to be suffering from a mental disorder',
      'In immediate need of care or control',
      'Necessary for their protection or that of others',
    ])
      await group(detained, q).getByLabel('Yes').check();
    await detained.getByLabel('Grounds').fill('walking into traffic, responding to voices, could not keep safe');
    await officer(group(detained, 'Officer'));
    await record(page, 'Record: s.136 detention');
    const conveyance = await openAction(page, 'Conveyance');
    await conveyance.getByLabel('Method').selectOption('ambulance');
    await record(page, 'Record: Conveyance');

    // R24: the place-of-safety form offers no police station to a 16-year-old, as a site or as a kind.
    await elapse(rig, page, 20);
    const arrival = await openAction(page, 'Arrived at place of safety');
    const sites = await arrival
      .getByLabel(/^Place of safety/)
      .locator('option')
      .allTextContents();
    expect(sites.some((s) => s.includes('KMPT health-based place of safety, Priority House'))).toBe(true);
    expect(sites.filter((s) => /custody|police station/i.test(s))).toEqual([]);
    const kinds = await arrival.getByLabel(/^Type/).locator('option').allTextContents();
    expect(kinds).toContain('Health-based place of safety');
    expect(kinds).not.toContain('Police station');
    expect(await arrival.textContent()).toContain('never a place of safety for a person under 18 (R24)');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-incident-place-of-safety');
    await arrival.getByLabel(/^Place of safety/).selectOption('kmptMaidstone');
    await record(page, 'Record: Arrived at place of safety');
    const header = await page.locator('#incident-header').textContent();
    expect(header).toContain('s.136 clock');
    expect(header).toContain('Handover to the NHS');

    // The board: the detention with its 24-hour clock and the handover hour running.
    await page.keyboard.press('b');
    await page.waitForURL(/\/console\/board$/);
    const row = page.locator('table.board tbody tr');
    expect(await row.count()).toBe(1);
    const text = (await row.textContent()) ?? '';
    expect(text).toMatch(/24 h 00 min left|23 h 59 min left/);
    expect(text).toContain('NHS to accept · 1 h 00 min left');
    expect(text).toContain('Priority House');
    expect(text).toContain('Not extended');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-board');

    // Handover, police leave, the outcome.
    await row.getByRole('link').click();
    await elapse(rig, page, 40);
    const accepted = await openAction(page, 'Handover: NHS accepted');
    await accepted.getByLabel('Accepted by').fill('HBPoS nurse in charge');
    await record(page, 'Record: Handover: NHS accepted');
    await openAction(page, 'Police left');
    await record(page, 'Record: Police left');
    await elapse(rig, page, 120);
    await openAction(page, 'Assessment started');
    await record(page, 'Record: Assessment started');
    const outcome = await openAction(page, 'Outcome of the assessment');
    await outcome.getByLabel('Outcome', { exact: true }).selectOption('informalAdmission');
    // R36: an assessed outcome needs the time the doctor examined the person (typed as local time).
    await outcome.getByLabel(/^Doctor examined at/).fill(toLocalInput(rig.h.clock.at(-10), 'Europe/London'));
    await record(page, 'Record: Outcome of the assessment');
    expect(await page.locator('.involved').textContent()).toContain('outcome: Informal admission');
    await page.keyboard.press('b');
    await page.waitForURL(/\/console\/board$/);
    expect(await page.locator('table.board tbody tr').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
