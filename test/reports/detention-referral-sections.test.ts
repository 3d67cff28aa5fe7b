/**
 * The demand report's s.136, place-of-safety handover and referral acknowledgement sections, on a
 * small set of incidents recorded through the API whose expected figures are worked out by hand
 * below (times are chosen so each figure is checkable on paper).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { captureTransport } from '../../src/mail/transport.js';
import { rebuildProjections } from '../../src/commands/rebuild.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  arrived,
  assessmentStarted,
  clearResources,
  closeDetention,
  considered,
  consulted,
  conveyed,
  createIncident,
  emailReferral,
  extension,
  decision,
  departed,
  detained,
  grade,
  nhsAccepted,
  outcome,
  policeIncident,
  referral,
  steps,
  thrive,
} from '../support/flows.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-11-23T20:00:00Z', mailEnabled: true });
});
afterEach(async () => {
  await h.close();
});

const DAY = '2026-11-23';
async function report(token: string, groupBy = 'district') {
  const r = await h.request('GET', `/api/reports/demand?from=${DAY}&to=${DAY}&groupBy=${groupBy}`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
const section = (r: any, id: string) => r.sections.find((s: { id: string }) => s.id === id);
const rowOf = (s: any, g: string) => (g === 'all' ? s.total : s.rows.find((r: { group: string }) => r.group === g));

/** A detention up to arrival at `place`; returns the incident id. */
async function detainedTo(
  detentionId: string,
  district: string,
  method: Record<string, unknown> | (() => Record<string, unknown>),
  place: Record<string, unknown>,
) {
  const id = await policeIncident(h, { district, subject: { ageYears: 34, gender: 'male', ethnicity: 'white' } });
  await steps(h, id, [considered(detentionId), consulted(detentionId), detained(detentionId)]);
  await steps(h, id, [
    conveyed(detentionId, typeof method === 'function' ? (method as () => Record<string, unknown>)() : method),
  ]);
  h.clock.advanceMinutes(10);
  await steps(h, id, [arrived(detentionId, place)]);
  return id;
}

/** NHS acceptance `acceptAfter` minutes after arrival, police leave `leaveAfter` minutes after arrival. */
async function handover(id: string, detentionId: string, acceptAfter: number, leaveAfter: number) {
  h.clock.advanceMinutes(acceptAfter);
  await steps(h, id, [nhsAccepted(detentionId)]);
  h.clock.advanceMinutes(leaveAfter - acceptAfter);
  await steps(h, id, [departed(detentionId)]);
}

async function scenario() {
  // A: Maidstone, ambulance to the HBPoS; accepted after 40 min, police leave after 90 (over the hour).
  const a = await detainedTo('A', 'Maidstone', { method: 'ambulance' }, { site: 'kmptMaidstone' });
  await handover(a, 'A', 40, 90);
  await steps(h, a, [outcome('A', 'dischargedNFA', { doctorExaminedAt: h.clock.at() }), closeDetention('A')]);
  await clearResources(h, a);
  await steps(h, a, [{ type: 'INCIDENT_CLOSED', mhFlagAtClose: true, closureCode: 'handedToPartner' }]);
  // B: Swale, police vehicle (no ambulance within 30 minutes) to an emergency department; accepted after 20, left after
  // 30.
  const b = await detainedTo(
    'B',
    'Swale',
    () => ({
      method: 'policeVehicle',
      ambulanceRequested: true,
      ambulanceRequestedAt: h.clock.at(),
      ambulanceEta: h.clock.at(90),
      policeVehicleReason: 'ambulanceNotWithin30Min',
    }),
    { site: 'edMedway' },
  );
  await handover(b, 'B', 20, 30);
  // C: Maidstone, ambulance to the HBPoS, police still there.
  await detainedTo('C', 'Maidstone', { method: 'ambulance' }, { site: 'kmptDartford' });
  // D: Swale, s.136 considered, the officer decides not to detain.
  const d = await policeIncident(h, { district: 'Swale' });
  await steps(h, d, [
    considered('D'),
    consulted('D'),
    { type: 'S136_NOT_DETAINED', detentionId: 'D', reason: 'agreed to go with the crisis team voluntarily' },
  ]);

  // Referrals. E1, E2 by email: they reach the agency when the mail server takes them (5 min after
  // being made), then E1 is acknowledged 30 min later and E2 120 min later. P3, P4 by phone: the call
  // reaches and is acknowledged by the agency at once (0 min). P4 is then withdrawn; E2 accepted.
  const r = await createIncident(h, { district: 'Maidstone' });
  await steps(h, r, [
    thrive(),
    grade('G3'),
    decision('handover'),
    emailReferral('E1'),
    emailReferral('E2', { agency: 'kentAmhp' }),
    referral('P3'),
    referral('P4', { agency: 'nhs111MhOption' }),
  ]);
  h.clock.advanceMinutes(5);
  expect(
    await deliverOutbox(h.deps, captureTransport(join(h.dir, 'mail')), { from: 'mh-triage@kent.police.test' }),
  ).toEqual({ sent: 2, failed: 0 });
  await h.deps.uow?.durable();
  h.clock.advanceMinutes(30);
  await steps(h, r, [
    { type: 'REFERRAL_ACKNOWLEDGED', referralId: 'E1', acknowledgedBy: 'duty nurse' },
    { type: 'REFERRAL_WITHDRAWN', referralId: 'P4', reason: 'caller went to A&E' },
  ]);
  h.clock.advanceMinutes(90);
  await steps(h, r, [
    { type: 'REFERRAL_ACKNOWLEDGED', referralId: 'E2', acknowledgedBy: 'AMHP duty desk' },
    { type: 'REFERRAL_ANSWERED', referralId: 'E2', answer: 'accepted' },
  ]);
}

describe('s.136 detentions and handovers in the demand report', () => {
  it(
    'counts s.136 detentions by first place of safety and by conveyance, with the not-detained decisions beside ' +
      'them',
    async () => {
      await scenario();
      const s = section(await report(h.tokens.mh_lead), 's136Detentions');
      expect(s.groupBy).toBe('district');
      expect(rowOf(s, 'all').cells).toMatchObject({
        detentions: 3,
        pos_healthBasedPlaceOfSafety: 2,
        pos_emergencyDepartment: 1,
        pos_policeStation: 0,
        posNone: 0,
        conv_ambulance: 2,
        conv_policeVehicle: 1,
        convNone: 0,
        consideredNotDetained: 1,
        s135: 0,
      });
      expect(rowOf(s, 'Maidstone').cells).toMatchObject({
        detentions: 2,
        pos_healthBasedPlaceOfSafety: 2,
        conv_ambulance: 2,
      });
      expect(rowOf(s, 'Swale').cells).toMatchObject({
        detentions: 1,
        pos_emergencyDepartment: 1,
        conv_policeVehicle: 1,
        consideredNotDetained: 1,
      });
    },
  );

  it('measures handover from arrival to police departure against the one-hour expectation (R35)', async () => {
    await scenario();
    const s = section(await report(h.tokens.mh_lead), 'handoverAtPlaceOfSafety');
    // Handovers: A 90 min, B 30 min; C still waiting. Acceptance: A 40, B 20.
    expect(rowOf(s, 'all').cells).toEqual({
      handovers: 2,
      awaiting: 1,
      medianHandoverMinutes: 60,
      meanHandoverMinutes: 60,
      over60: 1,
      over60Share: 0.5,
      medianAcceptanceMinutes: 30,
    });
    expect(rowOf(s, 'Maidstone').cells).toMatchObject({
      handovers: 1,
      awaiting: 1,
      medianHandoverMinutes: 90,
      over60: 1,
    });
    expect(rowOf(s, 'Swale').cells).toMatchObject({ handovers: 1, awaiting: 0, medianHandoverMinutes: 30, over60: 0 });
  });

  it('an agency grouping is not offered for detentions: the section says so and shows the whole period', async () => {
    await scenario();
    const s = section(await report(h.tokens.mh_lead, 'agency'), 's136Detentions');
    expect(s.groupBy).toBeNull();
    expect(s.groupingNote).toMatch(/cannot be grouped by agency/);
    expect(s.total.cells.detentions).toBe(3);
  });
});

/**
 * Three s.136 detentions on one day, each arriving at the place of safety 10 minutes after its
 * decision to detain (the clock starts on arrival, R21):
 *  A: assessment 120 min after arrival, discharged (no further action) 180 min after arrival: 190 min detained.
 *  B: assessment 240 min after arrival (late: over the 3-hour guideline, R37), the period extended
 *     (s.136B), informal admission 360 min after arrival: 370 min detained.
 *  C: never assessed; the 24 hours run out (R23) and it is still open.
 */
async function assessmentScenario() {
  const a = await detainedTo('A', 'Maidstone', { method: 'ambulance' }, { site: 'kmptMaidstone' });
  const b = await detainedTo('B', 'Swale', { method: 'ambulance' }, { site: 'kmptDartford' });
  await detainedTo('C', 'Swale', { method: 'ambulance' }, { site: 'edMedway' });
  // detainedTo takes 10 minutes each: A was detained at t0 and arrived at t0+10, B at t0+10 and t0+20, C at t0+20 and
  // t0+30 (now).
  h.clock.advanceMinutes(100); // t0+130
  await steps(h, a, [assessmentStarted('A')]);
  h.clock.advanceMinutes(60); // t0+190
  await steps(h, a, [outcome('A', 'dischargedNFA', { doctorExaminedAt: h.clock.at() })]);
  h.clock.advanceMinutes(70); // t0+260
  await steps(h, b, [assessmentStarted('B'), extension('B')]);
  h.clock.advanceMinutes(120); // t0+380
  await steps(h, b, [outcome('B', 'informalAdmission', { doctorExaminedAt: h.clock.at(-30) })]);
  h.clock.advanceMinutes(24 * 60);
  sweepDeadlines(h.deps);
}

describe('s.136 assessment, extensions and outcomes in the demand report', () => {
  it(
    'measures the wait for the assessment against the 3-hour guideline (R37), extensions, detentions that ran out ' +
      '(R23), time detained and outcomes',
    async () => {
      await assessmentScenario();
      const s = section(await report(h.tokens.mh_lead), 's136Outcomes');
      expect(rowOf(s, 'all').cells).toMatchObject({
        detentions: 3,
        assessed: 2,
        medianMinutesToAssessment: 180, // 120 and 240
        assessmentLate: 1,
        assessmentLateShare: 0.5,
        extended: 1,
        transferred: 0,
        ranOut: 1,
        ended: 2,
        running: 1,
        medianHoursDetained: 4.7, // (190 + 370) / 2 min
        meanHoursDetained: 4.7,
        outcome_dischargedNFA: 1,
        outcome_informalAdmission: 1,
        outcome_lapsed: 0,
      });
      expect(rowOf(s, 'Maidstone').cells).toMatchObject({
        detentions: 1,
        assessmentLate: 0,
        extended: 0,
        ranOut: 0,
        medianHoursDetained: 3.2,
      });
      expect(rowOf(s, 'Swale').cells).toMatchObject({
        detentions: 2,
        assessmentLate: 1,
        extended: 1,
        ranOut: 1,
        running: 1,
        medianHoursDetained: 6.2,
        medianMinutesToAssessment: 240,
      });
    },
  );
});

describe('referral statuses and acknowledgement times in the demand report', () => {
  it('acknowledgement counts from when the referral reached the agency; statuses add up to referrals', async () => {
    await scenario();
    const r = await report(h.tokens.mh_lead, 'agency');
    const ack = section(r, 'referralAcknowledgement');
    // All four reached their agency and were acknowledged: after 30, 120, 0 and 0 minutes.
    expect(ack.total.cells).toEqual({
      reached: 4,
      acknowledged: 4,
      acknowledgedShare: 1,
      meanAcknowledgementMinutes: 37.5,
      acknowledgedWithin1hShare: 0.75,
    });
    expect(rowOf(ack, 'kentAmhp').cells).toMatchObject({
      reached: 1,
      acknowledged: 1,
      meanAcknowledgementMinutes: 120,
      acknowledgedWithin1hShare: 0,
    });
    expect(rowOf(ack, 'kmptSpoa').cells).toMatchObject({
      reached: 2,
      acknowledged: 2,
      meanAcknowledgementMinutes: 15,
    });
    const ref = section(r, 'referrals');
    expect(ref.total.cells).toMatchObject({
      referrals: 4,
      accepted: 1,
      pending: 2,
      withdrawn: 1,
      declined: 0,
      noResponse: 0,
      resolved: 0,
      escalated: 0,
    });
    expect(rowOf(ref, 'kentAmhp').cells).toMatchObject({ referrals: 1, accepted: 1, meanAnswerMinutes: 125 });
  });
});

describe('the new sections under R44 and rebuild', () => {
  it('the PCC role sees every small count and every figure resting on fewer than 5 withheld', async () => {
    await scenario();
    const r = await report(h.tokens.pcc_analyst);
    expect(r.suppression.applied).toBe(true);
    for (const id of ['s136Detentions', 's136Outcomes', 'handoverAtPlaceOfSafety', 'referralAcknowledgement']) {
      const s = section(r, id);
      for (const row of [...s.rows, s.total]) {
        // Published as "[c]" (UK official statistics), the API's mark for a withheld figure (issue 14).
        for (const [m, v] of Object.entries(row.cells)) expect(v, `${id} ${row.group} ${m}`).toBe('[c]');
        expect(row.suppressed.length).toBe(s.measures.length);
      }
    }
  });

  it('a rebuild from the event log gives the same figures', async () => {
    await scenario();
    const before = await report(h.tokens.mh_lead);
    rebuildProjections(h.db);
    const after = await report(h.tokens.mh_lead);
    expect({ ...after, generatedAt: null }).toEqual({ ...before, generatedAt: null });
  });
});
