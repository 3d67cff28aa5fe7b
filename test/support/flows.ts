/** Realistic payloads and short paths through the incident lifecycle, shared by tests. */
import { expect } from 'vitest';
import type { Harness } from './harness.js';
import { segmentsFor, type LedgerView } from './ledger.js';

export const thrive = (over: Record<string, unknown> = {}) => ({
  type: 'THRIVE_RECORDED',
  threat: 'none identified',
  harm: 'caller reports neighbour has not been seen for three days',
  risk: 'medium: possible fall or illness at home',
  investigation: 'none identified',
  vulnerability: 'lives alone, known mental-health history',
  engagement: 'landlord holds a key',
  rationale: 'welfare concern without crime or immediate threat to life',
  ...over,
});

export const decision = (d: string, over: Record<string, unknown> = {}) => ({
  type: 'RCRP_DECISION_RECORDED',
  crimeOccurring: false,
  riskToLife: false,
  riskOfSeriousHarm: false,
  decision: d,
  rationale: 'threshold not met: health-led response is right',
  ...over,
});

export const grade = (g = 'G2') => ({ type: 'GRADE_SET', grade: g });
export const dispatch = (callSign = 'KM21') => ({
  type: 'POLICE_DISPATCHED',
  resources: [{ callSign, officers: 2, type: 'response' }],
});
export const referral = (referralId = 'r1', over: Record<string, unknown> = {}) => ({
  type: 'REFERRAL_MADE',
  referralId,
  agency: 'kmptSpoa',
  contactMethod: 'phone',
  namedContact: 'duty crisis nurse',
  ...over,
});
/** A referral emailed by this system (needs a harness with mailEnabled). */
export const emailReferral = (referralId = 'r1', over: Record<string, unknown> = {}) =>
  referral(referralId, {
    contactMethod: 'secureEmail',
    namedContact: 'SPoA duty desk',
    location: 'flat 2, 10 High Street, Maidstone',
    riskSummary: 'adult not seen for three days; no threats; lives alone',
    ...over,
  });
export const answer = (referralId: string, a: string, over: Record<string, unknown> = {}) => ({
  type: 'REFERRAL_ANSWERED',
  referralId,
  answer: a,
  ...(a === 'declined' ? { reason: 'no capacity tonight' } : {}),
  ...over,
});
export const escalate = (referralId: string, level: number, over: Record<string, unknown> = {}) => ({
  type: 'REFERRAL_ESCALATED',
  referralId,
  level,
  reason: 'declineDisputed',
  escalatedBy: { name: 'Sgt A Patel', rank: 'sergeant' },
  partnerContact: 'SPoA shift coordinator',
  ...over,
});
export const resolve = (referralId: string, outcome: string, over: Record<string, unknown> = {}) => ({
  type: 'REFERRAL_RESOLVED',
  referralId,
  outcome,
  resolvedBy: { name: 'Insp B Khan', rank: 'inspector' },
  ...over,
});
export const close = (over: Record<string, unknown> = {}) => ({
  type: 'INCIDENT_CLOSED',
  mhFlagAtClose: true,
  closureCode: 'resolved',
  ...over,
});

/** The reason a test gives to read a record closed longer than the grace period (X-Access-Reason). */
export const REASON = { 'x-access-reason': 'dataQuality; the test reads a closed record' };

export function createBody(h: Harness, over: Record<string, unknown> = {}) {
  return {
    receivedAt: h.clock.at(-10),
    channel: '999',
    category: 'concernForWelfare',
    district: 'Maidstone',
    locationClass: 'urban',
    mhFlagAtCall: true,
    summary: 'caller concerned for neighbour',
    ...over,
  };
}

export async function createIncident(h: Harness, over: Record<string, unknown> = {}, token?: string): Promise<string> {
  const r = await h.request('POST', '/api/incidents', { body: createBody(h, over), ...(token ? { token } : {}) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

/** POST each event in order, expecting each to be accepted; returns the last body. */
export async function steps(h: Harness, id: string, events: Array<Record<string, unknown>>) {
  let last: any = null;
  for (const e of events) {
    const r = await h.event(id, e);
    expect(r.status, `${String(e.type)}: ${JSON.stringify(r.body)}`).toBe(200);
    last = r.body;
  }
  return last;
}

/** An RCRP-category incident, assessed and graded. */
export async function gradedIncident(h: Harness, over: Record<string, unknown> = {}) {
  const id = await createIncident(h, over);
  await steps(h, id, [thrive(), grade('G2')]);
  return id;
}

// ---------------------------------------------------------------------------------------------
// MHA s.136 / s.135 detentions.
// ---------------------------------------------------------------------------------------------

export const officer = { name: 'PC 4521 A. Shah', role: 'constable', rank: 'constable' };
export const considered = (detentionId = 'd1', over: Record<string, unknown> = {}) => ({
  type: 'S136_CONSIDERED',
  detentionId,
  officer,
  ...over,
});
export const consulted = (detentionId = 'd1', over: Record<string, unknown> = {}) => ({
  type: 'S136_CONSULTATION_RECORDED',
  detentionId,
  practicable: true,
  profession: 'registeredNurse',
  consultee: 'clinical advice line nurse',
  advice: 'known to the crisis team; supports a s.136 assessment',
  ...over,
});
export const detained = (detentionId = 'd1', over: Record<string, unknown> = {}) => ({
  type: 'S136_DETAINED',
  detentionId,
  mode: 'removed',
  locationType: 'roadOrBridge',
  criteria: { apparentMentalDisorder: true, immediateNeedOfCareOrControl: true, necessaryForProtection: true },
  grounds: 'on the wrong side of the bridge railings, distressed, hearing voices',
  officer,
  ...over,
});
export const conveyed = (detentionId = 'd1', over: Record<string, unknown> = {}) => ({
  type: 'S136_CONVEYANCE_RECORDED',
  detentionId,
  method: 'ambulance',
  ...over,
});
export const arrived = (detentionId = 'd1', placeOfSafety: Record<string, unknown> = { site: 'kmptMaidstone' }) => ({
  type: 'S136_ARRIVED_AT_PLACE_OF_SAFETY',
  detentionId,
  placeOfSafety,
});
/** An adult at a police station with every Regulations condition met (R25). */
export const policeStation = (over: Record<string, unknown> = {}) => ({
  site: 'custodyMaidstone',
  policeStation: {
    imminentRiskOfSeriousHarm: true,
    noOtherPlaceReason: 'violent towards ambulance crew; both HBPoS sites declined on safety grounds',
    healthcareRequirementWillBeMet: true,
    decisionMaker: { name: 'Sgt 1203 R. Okafor', rank: 'sergeant' },
    authorisation: { name: 'Insp 88 L. Grant', rank: 'inspector', at: '2026-11-23T09:00:00Z' },
    consultation: { consulted: true, profession: 'registeredNurse' },
    reasonCode: 'imminentRiskBehaviour',
    arrestedForOffence: 'no',
    ...over,
  },
});
export const nhsAccepted = (detentionId = 'd1') => ({
  type: 'S136_NHS_ACCEPTED',
  detentionId,
  acceptedBy: 'HBPoS nurse in charge',
});
export const departed = (detentionId = 'd1') => ({ type: 'S136_POLICE_DEPARTED', detentionId });
export const assessmentStarted = (detentionId = 'd1') => ({ type: 'S136_ASSESSMENT_STARTED', detentionId });
export const outcome = (detentionId: string, o: string, over: Record<string, unknown> = {}) => ({
  type: 'S136_OUTCOME_RECORDED',
  detentionId,
  outcome: o,
  ...over,
});
export const extension = (detentionId = 'd1', over: Record<string, unknown> = {}) => ({
  type: 'S136_EXTENSION_AUTHORISED',
  detentionId,
  authoriser: {
    name: 'Dr P. Mensah',
    gmcNumber: '7012345',
    profession: 'registeredMedicalPractitioner',
    responsibleForExamination: true,
  },
  hours: 12,
  ground: 'personsCondition',
  reason: 'too intoxicated to be assessed; needs to sober before the interview',
  ...over,
});
export const closeDetention = (detentionId = 'd1') => ({ type: 'S136_CLOSED', detentionId });

/** An incident with police dispatched (non-RCRP category): where a detention can start. */
export async function policeIncident(h: Harness, over: Record<string, unknown> = {}) {
  const id = await createIncident(h, { category: 'mhCrisisInPublic', ...over });
  await steps(h, id, [thrive(), grade('G2'), dispatch()]);
  return id;
}

/**
 * Clear every police resource still assigned to the incident (R38: an incident with officers on it
 * cannot close until each assignment is cleared with its time accounted for).
 */
export async function clearResources(h: Harness, id: string) {
  const view = (await h.request('GET', `/api/incidents/${id}`)).body as LedgerView;
  const at = h.clock.at();
  for (const r of view.resources ?? []) {
    if (r.status === 'cleared') continue;
    await steps(h, id, [
      { type: 'RESOURCE_CLEARED', occurredAt: at, assignmentId: r.assignmentId, segments: segmentsFor(r, at) },
    ]);
  }
}
