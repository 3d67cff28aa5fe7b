/**
 * The shared machine kit. Two pieces lean on XState's runtime and must keep matching it after an
 * upgrade: `step` (our inert-scope transition, the one hand-built actor scope) must give exactly
 * what the public `transition` gives, for every machine, taken and refused events alike; and
 * `acceptedEventTypes` (the public `getNextTransitions`) must list the events a state and its
 * parents have transitions for. Also the rule-book semantics every rules.ts relies on.
 */
import { describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, type AnyStateMachine, initialTransition, transition } from 'xstate';
import { detentionMachine } from '../../machines/detention/index.js';
import { incidentMachine } from '../../machines/incident/index.js';
import {
  acceptedEventTypes,
  allowedBy,
  firstViolation,
  type RuleBook,
  step,
  v,
  type Violation,
} from '../../machines/kit.js';
import { referralMachine } from '../../machines/referral/index.js';
import { resourceMachine } from '../../machines/resource/index.js';

const T0 = Date.parse('2026-11-23T09:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

/** Events with envelopes: seq in order, each a minute after the last. */
function stamp(bodies: Array<{ type: string } & Record<string, unknown>>) {
  return bodies.map((b, i) => ({
    ...b,
    seq: i + 1,
    occurredAt: at(i),
    recordedAt: at(i),
    actor: { id: 'u1', role: 'dispatcher' },
  }));
}

const incidentPolicy = {
  rcrpCategory: false,
  childrenExcludedFromRcrp: true,
  childExclusionAction: 'flag',
  repeatContactWindowHours: 72,
  futureToleranceSeconds: 120,
};
const gradePolicy = {
  label: 'Priority',
  requiresDeployment: true,
  targetSplit: false,
  unresourcedAlertAfterMinutes: 40,
  unresourcedNotify: 'sergeant',
};
const thrive = {
  type: 'THRIVE_RECORDED',
  threat: 'none identified',
  harm: 'self-harm',
  risk: 'high',
  investigation: 'none identified',
  vulnerability: 'alone',
  engagement: 'talking',
  rationale: 'risk to life',
  safetyNet: null,
};
const detentionPolicy = {
  forceCode: 'KNT',
  warningMinutesBeforeExpiry: [360, 120],
  handoverMinutes: 60,
  handoverRuleAtEmergencyDepartments: false,
  assessmentStartFlagHours: 3,
  policeStationPermitted: true,
  healthcareCheckMinutes: 30,
  specialConstablesMayDetain: true,
  notify: {
    clockWarning: 'inspector',
    clockExpired: 'inspector',
    handover: 'sergeant',
    healthcareCheck: 'custodySergeant',
    conveyance: 'mhLead',
    release: 'inspector',
    assessmentDelay: 'mhLead',
    childAtPoliceStation: 'inspector',
  },
};
const officer = { name: 'PC 1', role: 'constable', rank: null };
const person = { ageYears: 30, ageBand: '25to34', gender: 'male', ethnicity: 'white' };
const route = {
  agencyLabel: 'KMPT SPoA',
  agencyType: 'crisisTeam',
  delivery: 'email',
  email: 'spoa@partners.example',
  freeTextAllowed: false,
  acknowledgeMinutes: 15,
  answerMinutes: 60,
  deliveryMinutes: 10,
  linkExpiresAt: null,
  escalationLevels: [],
  escalationContacts: [],
  coversDistrict: true,
  openAtReferral: true,
};

/**
 * One journey per machine, each with events the machine refuses along the way (a rule, or the
 * state): `step` and `transition` must agree on every one of them.
 */
const journeys: Array<[string, AnyStateMachine, ReturnType<typeof stamp>]> = [
  [
    'incident',
    incidentMachine,
    stamp([
      {
        type: 'INCIDENT_CREATED',
        incidentId: 'i1',
        reference: null,
        channel: '999',
        category: 'suicideSelfHarmConcern',
        district: null,
        locationClass: null,
        mhFlagAtCall: true,
        summary: null,
        location: null,
        subject: null,
        priorContacts: [],
        policy: incidentPolicy,
      },
      { type: 'GRADE_SET', grade: 'G2', reason: null, gradePolicy },
      thrive,
      { type: 'GRADE_SET', grade: 'G2', reason: null, gradePolicy },
      {
        type: 'POLICE_DISPATCHED',
        resources: [{ assignmentId: 'a1', callSign: 'KM21', officers: 2, type: 'response' }],
      },
      { type: 'DEADLINE_REACHED', deadlineKey: 'R6:unresourced:4' },
    ]),
  ],
  [
    'referral',
    referralMachine,
    stamp([
      {
        type: 'REFERRAL_MADE',
        referralId: 'r1',
        agency: 'kmptSpoa',
        contactMethod: 'email',
        namedContact: 'duty practitioner',
        agencyReference: null,
        route,
        shared: { location: null, riskSummary: 'low mood', callbackRoute: '101', narrative: null },
      },
      { type: 'REFERRAL_SENT', referralId: 'r1', messageId: 'm1' },
      { type: 'REFERRAL_ANSWERED', referralId: 'r1', answer: 'declined', reason: null, agencyReference: null },
      { type: 'REFERRAL_ANSWERED', referralId: 'r1', answer: 'accepted', reason: null, agencyReference: 'K-1' },
      { type: 'REFERRAL_WITHDRAWN', referralId: 'r1', reason: 'resolved' },
    ]),
  ],
  [
    'resource',
    resourceMachine,
    stamp([
      { type: 'RESOURCE_DISPATCHED', assignmentId: 'a1', callSign: 'KM21', officers: 2, resourceType: 'response' },
      { type: 'RESOURCE_CLEARED', assignmentId: 'a1', segments: [] },
      { type: 'RESOURCE_ARRIVED', assignmentId: 'a1' },
      {
        type: 'RESOURCE_CLEARED',
        assignmentId: 'a1',
        segments: [
          { activity: 'travel', startAt: at(0), endAt: at(2) },
          { activity: 'scene', startAt: at(2), endAt: at(3) },
        ],
      },
    ]),
  ],
  [
    'detention',
    detentionMachine,
    stamp([
      { type: 'S136_CONSIDERED', detentionId: 'd1', officer, policy: detentionPolicy },
      {
        type: 'S136_DETAINED',
        detentionId: 'd1',
        mode: 'kept',
        locationType: 'emergencyDepartment',
        criteria: { apparentMentalDisorder: true, immediateNeedOfCareOrControl: true, necessaryForProtection: true },
        grounds: 'distressed',
        officer,
        placeOfSafety: { type: 'emergencyDepartment', site: 'ed', label: 'ED', consent: null, policeStation: null },
        person,
        age: { ageYears: 30, ageBand: '25to34' },
        priorDetentions: [],
      },
      {
        type: 'S136_CONSULTATION_RECORDED',
        detentionId: 'd1',
        practicable: true,
        profession: 'registeredNurse',
        consultee: 'nurse',
        advice: 'assess',
        notPracticableReason: null,
      },
      {
        type: 'S136_DETAINED',
        detentionId: 'd1',
        mode: 'kept',
        locationType: 'emergencyDepartment',
        criteria: { apparentMentalDisorder: true, immediateNeedOfCareOrControl: true, necessaryForProtection: true },
        grounds: 'distressed',
        officer,
        placeOfSafety: { type: 'emergencyDepartment', site: 'ed', label: 'ED', consent: null, policeStation: null },
        person,
        age: { ageYears: 30, ageBand: '25to34' },
        priorDetentions: [],
      },
      { type: 'S136_NHS_ACCEPTED', detentionId: 'd1', acceptedBy: 'charge nurse' },
      { type: 'S136_NHS_ACCEPTED', detentionId: 'd1', acceptedBy: 'charge nurse' },
    ]),
  ],
];

describe('step: the fast pure transition', () => {
  it.each(journeys)('gives exactly what XState’s public transition gives: the %s machine', (_name, machine, events) => {
    let s: AnyMachineSnapshot = initialTransition(machine)[0];
    let refused = 0;
    for (const e of events) {
      const [expected] = transition(machine, s, e);
      const actual = step(machine, s, e);
      expect({ value: actual.value, context: actual.context, status: actual.status }, e.type).toEqual({
        value: expected.value,
        context: expected.context,
        status: expected.status,
      });
      // An event no transition takes leaves the very same snapshot (the aggregate relies on it).
      expect(actual === s, `${e.type} refused`).toBe(expected === s);
      if (actual === s) refused++;
      s = actual;
    }
    expect(refused, 'the journey exercises refusals too').toBeGreaterThan(0);
  });
});

describe('acceptedEventTypes: the events a state has transitions for', () => {
  it('lists the state’s own events and its parents’, and nothing in a final state', () => {
    const graded = incidentMachine.resolveState({ value: { open: 'graded' }, context: {} as never });
    const types = acceptedEventTypes(graded);
    expect(types).toEqual(expect.arrayContaining(['POLICE_DISPATCHED', 'REFERRAL_MADE', 'ADVICE_GIVEN']));
    expect(types, 'from the parent state (open)').toEqual(
      expect.arrayContaining(['THRIVE_RECORDED', 'NEW_INFORMATION', 'DEADLINE_REACHED']),
    );
    expect(types).not.toContain('INCIDENT_CREATED');
    expect(types).not.toContain('INCIDENT_CLOSED');
    const closed = incidentMachine.resolveState({ value: 'closed', context: {} as never });
    expect(acceptedEventTypes(closed)).toEqual([]);
    const sent = referralMachine.resolveState({ value: 'sent', context: {} as never });
    expect([...acceptedEventTypes(sent)].sort()).toEqual([
      'DEADLINE_REACHED',
      'REFERRAL_ACKNOWLEDGED',
      'REFERRAL_ANSWERED',
      'REFERRAL_CALLER_INFORMED',
      'REFERRAL_ESCALATED',
      'REFERRAL_WITHDRAWN',
    ]);
  });
});

describe('the rule book', () => {
  type Ctx = { open: boolean; limit: number };
  type Ev = { type: 'ADD'; n: number; occurredAt: string } | { type: 'NOTE'; occurredAt: string };
  const closedRule: Violation = v('R99', 'CLOSED', 'closed');
  const book: RuleBook<Ctx, Ev> = {
    ADD: {
      when: (c) => (c.open ? null : closedRule),
      check: (c, e) => (e.n > c.limit ? v('R99', 'TOO_MANY', 'too many') : null),
    },
    NOTE: {},
  };

  it('checks `when` (context and moment) before `check` (payload); an empty entry allows', () => {
    const add = { type: 'ADD' as const, n: 5, occurredAt: at(0) };
    expect(firstViolation(book, { open: false, limit: 1 }, add)).toBe(closedRule);
    expect(firstViolation(book, { open: true, limit: 1 }, add)?.code).toBe('TOO_MANY');
    expect(firstViolation(book, { open: true, limit: 9 }, add)).toBeNull();
    expect(firstViolation(book, { open: false, limit: 1 }, { type: 'NOTE', occurredAt: at(0) })).toBeNull();
  });

  it('offers an accepted event unless its `when` refuses it or only the system sends it; sorted', () => {
    expect(allowedBy(book, { open: true, limit: 0 }, ['NOTE', 'ADD'], at(0), [])).toEqual(['ADD', 'NOTE']);
    expect(allowedBy(book, { open: false, limit: 0 }, ['NOTE', 'ADD'], at(0), [])).toEqual(['NOTE']);
    expect(allowedBy(book, { open: true, limit: 0 }, ['NOTE', 'ADD'], at(0), ['NOTE'])).toEqual(['ADD']);
  });
});
