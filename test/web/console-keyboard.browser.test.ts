/**
 * The call journey by keyboard alone (real Chromium): no click, no mouse. From the queue, "n" opens a
 * new call with the focus on its first question; Tab, arrow keys, Space and typing fill it; Enter
 * records it. On the incident, the number keys open each action with the focus in its form: THRIVE,
 * grade, the RCRP decision, a referral by phone, the partner's answer taken by phone, and closure
 * with the MH flag. Focus is visible on every control it reaches (an outline is drawn).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleRig, screenshot, signIn, startConsole } from '../support/console-browser.js';

let rig: ConsoleRig;

beforeAll(async () => {
  rig = await startConsole({ start: '2026-11-23T21:00:00Z' });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

/** The focused element, as a person sees it: its label, and whether a focus outline is drawn. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { name: '', outlined: false };
    const s = getComputedStyle(el);
    const label =
      (el as HTMLInputElement).labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '';
    return { name: label.trim(), outlined: s.outlineStyle !== 'none' && s.outlineWidth !== '0px' };
  });

const tab = async (page: Page, times = 1) => {
  for (let i = 0; i < times; i++) await page.keyboard.press('Tab');
};

/** Presses the number key shown beside an action on the incident page (as a person reads it). */
async function action(page: Page, type: string) {
  const key = (await page.locator(`#action-${type} summary .key`).textContent())!.trim();
  await page.keyboard.press(key);
  expect(await page.locator(`#action-${type}`).getAttribute('open')).not.toBeNull();
}

/** Tabs to the form's submit button and presses Enter; waits for the next page. */
async function send(page: Page, button: string, maxTabs = 30) {
  for (let i = 0; i < maxTabs; i++) {
    if ((await focused(page)).name === button) break;
    await tab(page);
  }
  expect((await focused(page)).name).toBe(button);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  expect(await page.locator('.refusal, .error-summary').count(), (await page.locator('main').textContent()) ?? '').toBe(
    0,
  );
}

describe('the call journey by keyboard alone', () => {
  it('new call, THRIVE, grade, RCRP, referral, partner answer by phone, close — without the mouse', async () => {
    const { page, problems } = await signIn(rig, rig.h.tokens.call_handler);
    const k = page.keyboard;

    // New call: "n", then the focus is on the channel.
    await k.press('n');
    await page.waitForURL(/\/console\/calls\/new$/);
    expect((await focused(page)).name).toBe('999');
    await k.press('Space'); // 999
    await tab(page); // category
    await k.type('Concern for');
    await tab(page); // district
    await k.type('Maidstone');
    await tab(page); // urban or rural
    await k.press('Space'); // urban
    await tab(page); // MH related
    await k.press('Space'); // yes
    const mh = await focused(page);
    expect(mh).toEqual({ name: 'Yes', outlined: true });
    await tab(page); // summary
    await k.type('neighbour not seen for three days');
    await tab(page); // location (a one-line field: Enter records the call)
    await k.type('10 High Street, Maidstone');
    await Promise.all([page.waitForNavigation(), k.press('Enter')]);
    expect(await page.locator('.flash').textContent()).toContain('Call received');

    // THRIVE: its number key opens it with the focus in its first field.
    await action(page, 'THRIVE_RECORDED');
    expect((await focused(page)).name).toMatch(/^When it happened/);
    for (const text of [
      'none identified',
      'could be lying injured at home',
      'medium',
      'none identified',
      'lives alone, 67',
      'landlord holds a key',
      'welfare concern: health-led response',
    ]) {
      await tab(page);
      await k.type(text);
    }
    await send(page, 'Record: THRIVE assessment');

    // Grade: arrow keys along the grades to G5.
    await action(page, 'GRADE_SET');
    await tab(page);
    for (let i = 0; i < 4; i++) await k.press('ArrowDown');
    expect((await focused(page)).name).toContain('G5 Resolution without deployment');
    await send(page, 'Record: Grade');

    // RCRP: No, No, No; decision: hand over; rationale.
    await action(page, 'RCRP_DECISION_RECORDED');
    for (let q = 0; q < 3; q++) {
      await tab(page);
      await k.press('ArrowRight'); // from Yes to No
    }
    await tab(page);
    await k.press('ArrowRight');
    await k.press('ArrowRight');
    expect((await focused(page)).name).toMatch(/^Hand over to a partner/);
    await tab(page);
    await k.type('no crime or immediate risk: the crisis team is better placed');
    await send(page, 'Record: RCRP decision');

    // Referral by phone to the crisis team: the agency picker read like any radio group.
    await action(page, 'REFERRAL_MADE');
    const agencies = await page
      .locator('#action-REFERRAL_MADE input[name="agency"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    await tab(page);
    await k.press('Space');
    for (let i = 0; i < agencies.indexOf('kmptSpoa'); i++) await k.press('ArrowDown');
    expect((await focused(page)).name).toMatch(/^KMPT Single Point of Access/);
    await tab(page); // contact method: phone is the first
    await k.press('Space');
    await tab(page);
    await k.type('duty crisis nurse');
    await send(page, 'Record: Refer to a partner');

    // The partner answers by phone: recorded by the call handler.
    await action(page, 'REFERRAL_ANSWERED');
    await tab(page); // answer
    await k.press('Space'); // accepted
    await tab(page); // reason
    await tab(page); // agency reference
    await tab(page); // respondent
    await k.type('Sam Okoro, SPoA nurse');
    await send(page, "Record: Partner's answer");
    expect(await page.locator('.involved').textContent()).toContain('Accepted by Sam Okoro');

    // Close with the MH flag.
    await action(page, 'INCIDENT_CLOSED');
    await tab(page);
    await k.press('Space'); // MH related: yes
    await tab(page);
    await k.type('handed');
    await send(page, 'Record: Close incident');
    expect(await page.locator('#incident-header').textContent()).toContain('Closed');
    await screenshot(page, 'console-keyboard-closed');
    expect(problems).toEqual([]);
  });
});
