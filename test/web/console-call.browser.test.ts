/**
 * A whole call through the console's screens only, in real Chromium against the real server and a
 * real SQLite file: a call handler takes a new call, records THRIVE, grades it, makes the RCRP
 * decision (the form warns that a handover would be unlawful while a risk to life is answered yes,
 * before anything is sent), refers to the crisis team by secure email; the partner opens the link
 * from the email the real SMTP server received and accepts; the incident shows the acceptance; the
 * call handler closes it with the MH flag. Each screen is checked with axe-core and kept as a
 * screenshot. Refusals come back inline with the input kept (a 422 naming its rule).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { createTransport } from '../../src/mail/transport.js';
import {
  axe,
  type ConsoleRig,
  group,
  openAction,
  screenshot,
  signIn,
  startConsole,
  submit,
} from '../support/console-browser.js';
import { partnerLink } from '../support/mail.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

let rig: ConsoleRig;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
  rig = await startConsole({ mailEnabled: true, start: '2026-11-23T21:00:00Z' });
}, 60_000);
afterAll(async () => {
  await rig?.close();
  await smtp?.close();
});

describe('a whole call through the console', () => {
  it('new call → THRIVE → grade → RCRP handover → referral → partner accepts by email → close', async () => {
    const { page, problems } = await signIn(rig, rig.h.tokens.call_handler);
    expect(await axe(page)).toEqual([]);

    // New call.
    await page.keyboard.press('n');
    await page.waitForURL(/\/console\/calls\/new$/);
    expect(await axe(page)).toEqual([]);
    await group(page, 'Channel').getByLabel('999').check();
    await page.getByLabel('Category').selectOption({ label: 'Concern for welfare' });
    await page.getByLabel('District').selectOption('Maidstone');
    await group(page, /^Urban or rural/)
      .getByLabel('Urban')
      .check();
    await group(page, /^Mental-health related \(at the call\)/)
      .getByLabel('Yes')
      .check();
    await page.getByLabel(/^Summary/).fill('neighbour not seen for three days, curtains closed');
    await page.getByLabel(/^Force person id/).fill('KENT-P-0042');
    await page.getByLabel(/^Age \(years\)/).fill('67');
    await screenshot(page, 'console-new-call');
    await submit(page, 'Record the call');
    expect(new URL(page.url()).pathname).toMatch(/^\/console\/incidents\/[0-9a-f-]{36}$/);
    expect(await page.locator('.flash').textContent()).toContain('Call received');
    // The identifier became a key: it is not on the page.
    expect(await page.content()).not.toContain('KENT-P-0042');

    // THRIVE: the six dimensions with their prompts. A blank one is refused by R1, the rest kept.
    rig.h.clock.advanceMinutes(2);
    const thrive = await openAction(page, 'THRIVE assessment');
    expect(await thrive.locator('.hint').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('What threat is there')]),
    );
    await thrive.getByLabel('Threat').fill('none identified');
    await thrive.getByLabel('Harm').fill('could be lying injured at home');
    await thrive.getByLabel('Risk').fill('medium: no sign of crime or immediate threat');
    await thrive.getByLabel('Investigation').fill('none identified');
    await thrive.getByLabel('Vulnerability').fill('lives alone, 67, known to the crisis team');
    await thrive.getByLabel('Rationale').fill('welfare concern: a health-led response is right');
    await submit(page, 'Record: THRIVE assessment');
    const refusal = page.locator('.refusal');
    expect(await refusal.textContent()).toContain('R1');
    expect(await refusal.textContent()).toContain('missing: engagement');
    expect(await page.getByLabel('Harm').inputValue()).toBe('could be lying injured at home');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-incident-refused-r1');
    await page.getByLabel('Engagement').fill('the landlord holds a key and will meet a partner');
    await submit(page, 'Record: THRIVE assessment');
    expect(await page.locator('.flash').textContent()).toContain('THRIVE assessment');

    // Grade: the grades with their targets.
    const grade = await openAction(page, 'Grade');
    expect(await grade.textContent()).toContain('attend within 60 min');
    await grade.getByLabel(/^G5 Resolution without deployment/).check();
    await submit(page, 'Record: Grade');

    // RCRP: a yes to risk to life makes a handover unlawful — the form says so before it is sent.
    const rcrp = await openAction(page, 'RCRP decision');
    await group(page, 'Is a crime being committed or about to be?').getByLabel('No').check();
    await group(page, 'Is there a real and immediate risk to life?').getByLabel('Yes').check();
    await group(page, 'Is there a real and immediate risk of serious harm?').getByLabel('No').check();
    await group(page, 'Decision')
      .getByLabel(/^Hand over to a partner/)
      .check();
    const check = rcrp.locator('#check-RCRP_DECISION_RECORDED');
    await expect.poll(() => check.textContent()).toContain('Would be refused (R9)');
    expect(await check.textContent()).toContain('Only a supervisor can override this');
    expect(await rcrp.getByRole('group', { name: /Supervisor override/ }).count()).toBe(0);
    await screenshot(page, 'console-incident-rcrp-precheck');
    await group(page, 'Is there a real and immediate risk to life?').getByLabel('No').check();
    await expect.poll(() => check.textContent()).toContain('accepts these answers');
    await rcrp.getByLabel('Rationale').fill('no crime, no immediate risk: the crisis team is better placed');
    await submit(page, 'Record: RCRP decision');
    expect(await page.locator('.flash').textContent()).toContain('RCRP decision');

    // Referral: the agency picker from the directory, with whether each is open now.
    const referral = await openAction(page, 'Refer to a partner');
    const crisisTeam = referral.getByLabel(/^KMPT Single Point of Access/);
    expect(await referral.locator('label.choice', { hasText: 'KMPT Single Point of Access' }).textContent()).toContain(
      'open now',
    );
    expect(await referral.textContent()).toContain('closed now'); // adult social care: office hours (21:00 on a Monday)
    await crisisTeam.check();
    await referral.getByRole('group', { name: 'Contact method' }).getByLabel('Secure email').check();
    await referral.getByLabel('Named contact').fill('SPoA duty desk');
    await referral.getByLabel(/^Location/).fill('flat 2, 10 High Street, Maidstone');
    await referral.getByLabel(/^Risk summary/).fill('adult not seen for three days; no threats; lives alone');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-incident-referral', true);
    await submit(page, 'Record: Refer to a partner');
    expect(await page.locator('.flash').textContent()).toContain('Refer to a partner');
    const incidentUrl = page.url().split('?')[0]!;

    // The outbox worker hands the email to the real SMTP server; the partner opens its link.
    const transport = createTransport({ url: smtp.url, from: 'mh-triage@kent.police.test', ignoreTLS: true });
    expect(await deliverOutbox(rig.h.deps, transport, { from: 'mh-triage@kent.police.test' })).toMatchObject({
      sent: 1,
    });
    await smtp.waitFor(1);
    const link = new URL(partnerLink(smtp.messages[0]!)!);
    const partner = await rig.browser.newContext({ locale: 'en-GB' });
    const partnerPage = await partner.newPage();
    // The link names the address configured for emails; the partner reaches this test server by its own.
    await partnerPage.goto(`${rig.base}${link.pathname}`);
    await partnerPage.getByLabel('Your name and role').fill('Sam Okoro, SPoA nurse');
    await partnerPage.getByRole('button', { name: 'Accept' }).click();
    await partnerPage.getByText('recorded as accepted').waitFor();
    await partner.close();

    // The incident shows it.
    await page.goto(incidentUrl);
    const involved = page.locator('.involved');
    expect(await involved.textContent()).toMatch(/KMPT Single Point of Access[^:]*:\s*✔\s*Accepted by Sam Okoro/);
    expect(await involved.textContent()).toContain('through the partner link');
    await screenshot(page, 'console-incident-accepted');

    // Close, with the MH flag.
    const close = await openAction(page, 'Close incident');
    await group(page, /^Mental-health related \(at closure\)/)
      .getByLabel('Yes')
      .check();
    await close.getByLabel('Closure code').selectOption('handedToPartner');
    await submit(page, 'Record: Close incident');
    expect(await page.locator('#incident-header').textContent()).toContain('Closed');
    expect(await page.locator('#actions').textContent()).toContain('This incident is closed');
    const timeline = await page.locator('#timeline').textContent();
    for (const step of ['Call received', 'THRIVE assessment', 'Grade', 'RCRP decision', 'Refer to a partner']) {
      expect(timeline).toContain(step);
    }
    expect(timeline).toContain("Partner's answer");
    expect(timeline).toContain('Close incident');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'console-incident-closed', true);
    expect(problems).toEqual([]);
  });
});
