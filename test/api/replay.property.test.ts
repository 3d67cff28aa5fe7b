/**
 * The event log is the truth (ARCHITECTURE principle 3), checked against a random workload.
 *
 * fast-check generates a workload of 200+ incidents, each with a random plan of actions, interleaved
 * at random: valid steps chosen from what the API says is allowed, event types sent out of order,
 * rule violations, stale If-Match, malformed bodies and headers, idempotent retries, and sweeps of
 * the deadline scheduler as the manual clock moves on. Every answer must be the one expected for
 * its kind (never a 5xx), and afterwards:
 *  - every incident's snapshot equals replay(its events), and version = event count = last seq;
 *  - the log holds exactly the accepted commands (a refused command wrote nothing);
 *  - rebuildProjections() reproduces every projection table byte for byte.
 *
 * The run is seeded: on failure fast-check prints `seed` and `path`; rerun with FC_SEED=<seed>.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RCRP_DECISIONS } from '../../machines/incident/index.js';
import type { Db } from '../../db/client.js';
import { rebuildProjections } from '../../src/commands/rebuild.js';
import { incidentStore } from '../../src/commands/incident-store.js';
import { loadForceConfig } from '../../src/config/load.js';
import { replay, serializeAggregate } from '../../src/domain/incident-aggregate.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { captureTransport } from '../../src/mail/transport.js';
import { join } from 'node:path';
import { createHarness, type ApiResponse, type Harness } from '../support/harness.js';
import {
  arrived,
  closeDetention,
  considered,
  consulted,
  conveyed,
  decision,
  departed,
  detained,
  emailReferral,
  gradedIncident,
  nhsAccepted,
  outcome,
  policeIncident,
  REASON,
  steps,
} from '../support/flows.js';
import { ledgerBody } from '../support/ledger.js';

const config = loadForceConfig();
const EVENT_TYPES = [
  'THRIVE_RECORDED',
  'GRADE_SET',
  'IMMEDIATE_GRADE_SET',
  'RCRP_DECISION_RECORDED',
  'POLICE_DISPATCHED',
  'REFERRAL_MADE',
  'REFERRAL_ACKNOWLEDGED',
  'REFERRAL_ANSWERED',
  'REFERRAL_ESCALATED',
  'REFERRAL_RESOLVED',
  'REFERRAL_CALLER_INFORMED',
  'REFERRAL_WITHDRAWN',
  'ADVICE_GIVEN',
  'RESOLVED_WITHOUT_DEPLOYMENT',
  'NEW_INFORMATION',
  'SUBJECT_RECORDED',
  'INCIDENT_CLOSED',
  'CALL_HANDLING_RECORDED',
  'RESOURCE_ARRIVED',
  'RESOURCE_CLEARED',
] as const;
/** A few people who call in again and again, so repeat-contact links (R15) form across incidents. */
const PEOPLE = ['P-100', 'P-200', 'P-300', 'P-400', 'P-500', 'P-600'];
const PROJECTION_TABLES = [
  'incidents',
  'incident_person_keys',
  'referrals',
  'referral_escalations',
  'deadlines',
  'alerts',
  'detentions',
  'resource_assignments',
  'resource_segments',
  'incident_ledger',
  'referral_ledger',
  'person_contacts',
  'demand_rollup',
  'referral_rollup',
  'demand_rollup_month',
  'referral_rollup_month',
] as const;
const isDetentionEvent = (t: string) => t.startsWith('S136_') || t.startsWith('S135_');

// ---------------------------------------------------------------------------------------------
// The workload, as data fast-check generates (and prints on failure).
// ---------------------------------------------------------------------------------------------

const RULE_CASES = [
  'thriveBlankDimension',
  'thriveNoRationale',
  'occurredInFuture',
  'occurredBeforeCall',
  'noDeployDespiteRiskWithoutOverride',
  'overrideByConstable',
  'closeWithoutMhFlag',
  'answerUnknownReferral',
  'declineWithoutReason',
  'referralWithoutNamedContact',
  'duplicateReferralId',
  'escalationToUnknownLevel',
  'escalationWithoutPerson',
  'narrativeToAgencyNotAllowedIt',
  'awolWithInformalPatient',
] as const;
const BAD_CASES = [
  'malformedJson',
  'unknownType',
  'unknownGrade',
  'extraField',
  'instantWithoutOffset',
  'wrongFieldType',
  'missingIfMatch',
  'garbageIfMatch',
  'unknownIncident',
  'idempotencyKeyReused',
] as const;

type Action =
  | { kind: 'valid'; forward: boolean; pick: number; variant: number; key: boolean; advance: number }
  | { kind: 'anyType'; type: (typeof EVENT_TYPES)[number]; variant: number; advance: number }
  | { kind: 'rule'; which: (typeof RULE_CASES)[number]; variant: number; advance: number }
  | { kind: 'stale'; delta: number; pick: number; variant: number; advance: number }
  | { kind: 'bad'; which: (typeof BAD_CASES)[number]; advance: number }
  | { kind: 'detention'; pick: number; variant: number; advance: number }
  | { kind: 'retry' }
  | { kind: 'sweep'; minutes: number }
  | { kind: 'mail' }
  | { kind: 'partner'; action: 'acknowledge' | 'accept' | 'decline'; pick: number };

interface CreateParams {
  minutesAgo: number;
  reference: string | null;
  category: string;
  channel: string;
  locationClass: 'urban' | 'rural' | null;
  person: number | null;
  ageYears: number;
  mhFlagAtCall: boolean;
}
interface Plan {
  create: CreateParams;
  actions: Action[];
}
interface Workload {
  plans: Plan[];
  interleaveSeed: number;
}

const advance = fc.integer({ min: 0, max: 240 }); // seconds
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('valid' as const),
      forward: fc.nat({ max: 3 }).map((n) => n > 0),
      pick: fc.nat(),
      variant: fc.nat(),
      key: fc.boolean(),
      advance,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('anyType' as const),
      type: fc.constantFrom(...EVENT_TYPES),
      variant: fc.nat(),
      advance,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('rule' as const),
      which: fc.constantFrom(...RULE_CASES),
      variant: fc.nat(),
      advance,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('stale' as const),
      delta: fc.constantFrom(-1, 1, 7),
      pick: fc.nat(),
      variant: fc.nat(),
      advance,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('bad' as const), which: fc.constantFrom(...BAD_CASES), advance }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('detention' as const), pick: fc.nat(), variant: fc.nat(), advance }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'retry' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('sweep' as const), minutes: fc.integer({ min: 1, max: 90 }) }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'mail' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('partner' as const),
      action: fc.constantFrom('acknowledge' as const, 'accept' as const, 'decline' as const),
      pick: fc.nat(),
    }),
  },
);
const createArb: fc.Arbitrary<CreateParams> = fc.record({
  minutesAgo: fc.integer({ min: 0, max: 30 }),
  reference: fc.option(
    fc.integer({ min: 1, max: 40 }).map((n) => `CAD-${n}`),
    { freq: 3 },
  ),
  category: fc.constantFrom(...config.categories.map((c) => c.code)),
  channel: fc.constantFrom('999', '101', 'online', 'partnerAgency'),
  locationClass: fc.constantFrom('urban' as const, 'rural' as const, null),
  person: fc.option(fc.nat({ max: PEOPLE.length - 1 }), { freq: 2 }),
  ageYears: fc.constantFrom(15, 34, 71),
  mhFlagAtCall: fc.boolean(),
});
/**
 * One plan in every workload sends each malformed request, each rule-breaking event and a stale
 * write once, so every refusal path is exercised whatever the random plans turn out to do.
 */
const coveragePlan = (create: CreateParams): Plan => ({
  create,
  actions: [
    ...BAD_CASES.map((which): Action => ({ kind: 'bad', which, advance: 5 })),
    ...RULE_CASES.map((which): Action => ({ kind: 'rule', which, variant: 0, advance: 5 })),
    { kind: 'stale', delta: 1, pick: 0, variant: 0, advance: 5 },
  ],
});

const workloadArb: fc.Arbitrary<Workload> = fc.record({
  plans: fc
    .tuple(
      createArb,
      fc.array(fc.record({ create: createArb, actions: fc.array(actionArb, { minLength: 2, maxLength: 18 }) }), {
        minLength: 200,
        maxLength: 220,
      }),
    )
    .map(([c, plans]) => [coveragePlan(c), ...plans]),
  interleaveSeed: fc.integer(),
});

// ---------------------------------------------------------------------------------------------
// Running a workload.
// ---------------------------------------------------------------------------------------------

/** mulberry32: the interleaving of incidents, derived from a generated seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const thriveNotes = {
  threat: 'none identified',
  harm: 'caller reports self-harm thoughts',
  risk: 'medium',
  investigation: 'none identified',
  vulnerability: 'lives alone',
  engagement: 'engaging with call handler',
  rationale: 'mental-health need, no crime',
};

interface View {
  id: string;
  version: number;
  state: string;
  allowedEvents: string[];
  locationClass: string | null;
  category: string;
  receivedAt: string;
  referrals: Array<{
    id: string;
    status: string;
    state: string;
    delivery: string;
    escalations: Array<{ level: number }>;
  }>;
  reassessmentRequired: unknown;
  detentions: Array<{
    id: string;
    state: string;
    allowedEvents: string[];
    clockStart: string | null;
    expiresAt: string | null;
    lapsed: boolean;
  }>;
  resources: Array<{
    assignmentId: string;
    callSign: string;
    status: string;
    dispatchedAt: string;
    arrivedAt: string | null;
  }>;
}

/** Referral states in which each referral event is possible (the referral machine's chart). */
const REFERRAL_EVENT_STATES: Record<string, readonly string[]> = {
  REFERRAL_ACKNOWLEDGED: ['drafted', 'sent'],
  REFERRAL_ANSWERED: ['drafted', 'sent', 'acknowledged', 'noResponse', 'escalated'],
  REFERRAL_ESCALATED: ['sent', 'acknowledged', 'noResponse', 'escalated', 'accepted', 'declined'],
  REFERRAL_RESOLVED: ['escalated'],
  REFERRAL_CALLER_INFORMED: [
    'drafted',
    'sent',
    'acknowledged',
    'noResponse',
    'escalated',
    'accepted',
    'declined',
    'resolved',
  ],
  REFERRAL_WITHDRAWN: ['drafted', 'sent', 'acknowledged', 'noResponse', 'escalated'],
};
const LADDER_TOP = config.referrals.escalation.levels.length;
const topLevel = (r: View['referrals'][number]) => Math.max(0, ...r.escalations.map((e) => e.level));

/** Allowed events that move the incident on, rather than add information or repeat a step. */
function forwardEvents(v: View): string[] {
  return v.allowedEvents.filter(
    (t) =>
      !isDetentionEvent(t) &&
      t !== 'NEW_INFORMATION' &&
      t !== 'SUBJECT_RECORDED' &&
      (t !== 'THRIVE_RECORDED' || v.state === 'new' || v.reassessmentRequired !== null) &&
      (t !== 'GRADE_SET' || v.state === 'assessed'),
  );
}

const officer = { name: 'PC 77 J. Osei', role: 'constable' };
const OBVIOUS_THREAT = 'caller says he has a knife and is threatening staff';

/**
 * A well-formed body for a detention event, for a detention that allows it now; usually accepted,
 * but a rule may still refuse it (the clock expired, the same person detained on another incident).
 */
function detentionBody(type: string, view: View, v: number, at: string): Record<string, unknown> {
  const base = { type, occurredAt: at };
  const open = view.detentions.filter((d) => d.allowedEvents.includes(type));
  const d = open[v % Math.max(1, open.length)] ?? view.detentions[0];
  const detentionId = d?.id ?? `${view.id}-d0`;
  const newId = `${view.id}-d${view.detentions.length + 1}`;
  switch (type) {
    case 'S136_CONSIDERED':
      return { ...base, detentionId: newId, officer };
    case 'S135_WARRANT_EXECUTED':
      return {
        ...base,
        detentionId: newId,
        power: v % 2 ? 's135_1' : 's135_2',
        mode: 'removed',
        warrant: {
          reference: `W-${v % 1000}`,
          court: 'Maidstone Magistrates',
          amhpName: 'AMHP J. Cole',
          doctorName: 'Dr R. Iqbal',
          hospital: 'Priority House',
        },
        officer,
      };
    case 'S136_CONSULTATION_RECORDED':
      return { ...base, detentionId, practicable: true, profession: 'registeredNurse', advice: 'supports assessment' };
    case 'S136_NOT_DETAINED':
      return { ...base, detentionId, reason: 'agreed to attend the crisis cafe with a friend' };
    case 'S136_DETAINED':
      return {
        ...base,
        detentionId,
        mode: v % 4 === 0 ? 'kept' : 'removed',
        locationType: v % 4 === 0 ? 'emergencyDepartment' : 'street',
        criteria: { apparentMentalDisorder: true, immediateNeedOfCareOrControl: true, necessaryForProtection: true },
        grounds: 'distressed in traffic',
        officer,
        ...(v % 4 === 0 ? { placeOfSafety: { site: 'edMaidstone' } } : {}),
      };
    case 'S136_CONVEYANCE_RECORDED':
      return v % 2
        ? { ...base, detentionId, method: 'ambulance' }
        : {
            ...base,
            detentionId,
            method: 'policeVehicle',
            ambulanceRequested: true,
            ambulanceRequestedAt: at,
            policeVehicleReason: 'ambulanceNotWithin30Min',
          };
    case 'S136_ARRIVED_AT_PLACE_OF_SAFETY': {
      const site = ['kmptMaidstone', 'edMedway', 'custodyMaidstone'][v % 3]!;
      return { ...base, detentionId, placeOfSafety: site === 'custodyMaidstone' ? custody(at) : { site } };
    }
    case 'S136_TRANSFERRED':
      return {
        ...base,
        detentionId,
        placeOfSafety: { site: 'kmptDartford' },
        by: 'constable',
        byName: 'PC 77 J. Osei',
      };
    case 'S136_HEALTHCARE_CHECK_RECORDED':
      return { ...base, detentionId, professional: 'custody nurse', professionalPresent: v % 5 !== 0 };
    case 'S136_NHS_ACCEPTED':
      return { ...base, detentionId, acceptedBy: 'nurse in charge' };
    case 'S136_EXTENDED_STAY_AGREED':
      return { ...base, detentionId, reason: 'person violent; staff asked police to stay', nhsContact: 'duty manager' };
    case 'S136_POLICE_DEPARTED':
    case 'S136_ASSESSMENT_STARTED':
    case 'S136_CLOSED':
      return { ...base, detentionId };
    case 'S136_EXTENSION_AUTHORISED':
      return {
        ...base,
        detentionId,
        authoriser: {
          name: 'Dr P. Mensah',
          profession: 'registeredMedicalPractitioner',
          responsibleForExamination: true,
        },
        hours: 1 + (v % 4),
        ground: 'personsCondition',
        reason: 'too intoxicated to assess',
        superintendentApproval: { name: 'Supt K. Dale', rank: 'superintendent', at },
      };
    case 'S136_OUTCOME_RECORDED':
      if (!d?.clockStart) return { ...base, detentionId, outcome: 'other' };
      if (d.lapsed || (d.expiresAt && at >= d.expiresAt)) return { ...base, detentionId, outcome: 'lapsed' };
      return {
        ...base,
        detentionId,
        outcome: ['dischargedNFA', 'informalAdmission', 'dischargedWithReferral'][v % 3],
        doctorExaminedAt: at,
      };
    case 'S136_RELEASED_BY_POLICE':
      return {
        ...base,
        detentionId,
        reason: 'no longer appeared mentally disordered',
        supervisor: { name: 'Sgt 12 P. Lee', rank: 'sergeant' },
      };
    case 'S136_ADR_RECORDED':
      return { ...base, detentionId, person: { ageBand: '25to34', gender: 'male', ethnicity: 'white' } };
    default:
      throw new Error(`no detention body for ${type}`);
  }
}

function custody(at: string) {
  return {
    site: 'custodyMaidstone',
    policeStation: {
      imminentRiskOfSeriousHarm: true,
      noOtherPlaceReason: 'violent; HBPoS declined',
      healthcareRequirementWillBeMet: true,
      decisionMaker: { name: 'Insp 9 M. Ray', rank: 'inspector' },
      consultation: { consulted: false, notPracticableReason: 'immediate danger' },
      reasonCode: 'imminentRiskBehaviour',
      arrestedForOffence: 'no',
      authorisation: { name: 'Insp 9 M. Ray', rank: 'inspector', at },
    },
  };
}

/** A body the machines accept for `type` in an incident that allows it now (null: none exists). */
function validBody(type: string, view: View, v: number, at: string): Record<string, unknown> | null {
  if (isDetentionEvent(type)) return detentionBody(type, view, v, at);
  const base = { type, occurredAt: at };
  const referralIn = (states: readonly string[], also: (r: View['referrals'][number]) => boolean = () => true) => {
    const open = view.referrals.filter((r) => states.includes(r.state) && also(r));
    return open.length ? open[v % open.length]! : null;
  };
  switch (type) {
    case 'THRIVE_RECORDED':
      return { ...base, ...thriveNotes, ...(v % 2 ? { safetyNet: 'crisis team to call back within the hour' } : {}) };
    case 'GRADE_SET': {
      let grade = config.grades[v % config.grades.length]!.code;
      if (grade === 'G1' && view.locationClass === null) grade = 'G2'; // G1's split targets need urban/rural (R5)
      return { ...base, grade, ...(v % 3 === 0 ? { reason: 'regraded on new information' } : {}) };
    }
    case 'IMMEDIATE_GRADE_SET':
      // G1 is the immediate grade, and its split targets need urban/rural (R5).
      return view.locationClass === null ? null : { ...base, grade: 'G1', obviousThreat: OBVIOUS_THREAT };
    case 'RCRP_DECISION_RECORDED': {
      const decision = RCRP_DECISIONS[v % RCRP_DECISIONS.length]!;
      const risk = (v >> 2) % 3 === 0;
      const noDeploy = decision === 'handover' || decision === 'adviceOnly';
      return {
        ...base,
        crimeOccurring: false,
        riskToLife: risk,
        riskOfSeriousHarm: false,
        decision,
        rationale: 'threshold assessed with the caller',
        ...(risk && noDeploy
          ? { override: { name: 'Sgt Patel', rank: 'sergeant', reason: 'ambulance crew already with the person' } }
          : {}),
      };
    }
    case 'POLICE_DISPATCHED':
      // A call sign still on the incident cannot be sent again (R39): fresh ones each time.
      return {
        ...base,
        resources: Array.from({ length: 1 + (v % 2) }, (_, i) => ({
          callSign: `KM${view.resources.length + 20 + i}`,
          officers: 1 + (v % 3),
          type: 'response',
        })),
      };
    case 'CALL_HANDLING_RECORDED':
    case 'RESOURCE_ARRIVED':
    case 'RESOURCE_CLEARED': {
      const b = ledgerBody(type, view, at, v);
      if (!b) throw new Error(`no valid body for ${type} now`);
      return b;
    }
    case 'REFERRAL_MADE': {
      const agency = config.agencies[v % config.agencies.length]!;
      let contactMethod = config.contactMethods[v % config.contactMethods.length]!;
      // no address to email (R11)
      if (config.referrals.contactMethodDelivery[contactMethod] === 'email' && !agency.email) contactMethod = 'phone';
      return {
        ...base,
        referralId: `r${view.referrals.length + 1}`,
        agency: agency.code,
        contactMethod,
        namedContact: 'duty crisis nurse',
        riskSummary: 'low risk: welfare check needed tonight',
        ...(v % 3 === 0 ? { location: 'flat 2, 10 High Street' } : {}),
      };
    }
    case 'REFERRAL_ACKNOWLEDGED': {
      const r = referralIn(REFERRAL_EVENT_STATES.REFERRAL_ACKNOWLEDGED!);
      return r && { ...base, referralId: r.id, acknowledgedBy: 'duty nurse' };
    }
    case 'REFERRAL_ANSWERED': {
      const r = referralIn(REFERRAL_EVENT_STATES.REFERRAL_ANSWERED!);
      if (!r) return null;
      const answers =
        r.state === 'noResponse' || r.state === 'escalated'
          ? ['accepted', 'declined']
          : ['accepted', 'declined', 'noResponse'];
      const answer = answers[(v >> 1) % answers.length]!;
      return { ...base, referralId: r.id, answer, ...(answer === 'declined' ? { reason: 'no capacity tonight' } : {}) };
    }
    case 'REFERRAL_ESCALATED': {
      const r = referralIn(REFERRAL_EVENT_STATES.REFERRAL_ESCALATED!, (x) => topLevel(x) < LADDER_TOP);
      if (!r) return null;
      const level = Math.min(LADDER_TOP, topLevel(r) + 1 + ((v >> 2) % 2));
      return {
        ...base,
        referralId: r.id,
        level,
        reason: 'delayedResponse',
        escalatedBy: { name: 'Sgt A Patel', rank: 'sergeant' },
        partnerContact: 'shift coordinator',
      };
    }
    case 'REFERRAL_RESOLVED': {
      const r = referralIn(REFERRAL_EVENT_STATES.REFERRAL_RESOLVED!);
      const outcomes = [
        'partnerWillRespond',
        'partnerDeclineUpheld',
        'policeWillRespond',
        'alternativeArranged',
        'noFurtherAction',
      ];
      return (
        r && {
          ...base,
          referralId: r.id,
          outcome: outcomes[v % outcomes.length],
          resolvedBy: { name: 'Insp B Khan', rank: 'inspector' },
        }
      );
    }
    case 'REFERRAL_CALLER_INFORMED': {
      const r = referralIn(REFERRAL_EVENT_STATES.REFERRAL_CALLER_INFORMED!);
      return (
        r && {
          ...base,
          referralId: r.id,
          whoWillAttend: ['partner', 'police', 'nobody'][v % 3],
          method: 'phone call back',
        }
      );
    }
    case 'REFERRAL_WITHDRAWN': {
      const r = referralIn(REFERRAL_EVENT_STATES.REFERRAL_WITHDRAWN!);
      return r && { ...base, referralId: r.id, reason: 'person found safe by family' };
    }
    case 'ADVICE_GIVEN':
      return { ...base, summary: 'advised to contact GP in the morning' };
    case 'RESOLVED_WITHOUT_DEPLOYMENT':
      return { ...base, resolution: config.resolutionCodes[v % config.resolutionCodes.length]! };
    case 'NEW_INFORMATION':
      return { ...base, summary: 'caller rang back: person has left the address', source: 'caller' };
    case 'SUBJECT_RECORDED':
      return {
        ...base,
        subject: {
          identifiers: { forcePersonId: PEOPLE[v % PEOPLE.length]! },
          ageYears: [15, 34, 71][v % 3]!,
          gender: 'female',
          ethnicity: 'white',
          ethnicityBasis: 'selfDefined',
        },
      };
    case 'INCIDENT_CLOSED':
      return { ...base, mhFlagAtClose: v % 2 === 0, closureCode: config.closureCodes[v % config.closureCodes.length]! };
    default:
      throw new Error(`no valid body for ${type}`);
  }
}

/** A well-formed body for any type, whether or not the incident allows it now (may be refused). */
function shapedBody(type: string, view: View, v: number, at: string): Record<string, unknown> {
  if ((type === 'RESOURCE_ARRIVED' || type === 'RESOURCE_CLEARED') && !ledgerBody(type, view, at, v)) {
    return type === 'RESOURCE_ARRIVED'
      ? { type, occurredAt: at, assignmentId: 'a-none' }
      : {
          type,
          occurredAt: at,
          assignmentId: 'a-none',
          segments: [{ activity: 'scene', startAt: view.receivedAt, endAt: at }],
        };
  }
  const body = validBody(type, view, v, at);
  if (body) return body;
  const referralId = view.referrals[0]?.id ?? 'r-none';
  const by = { name: 'Sgt A Patel', rank: 'sergeant' };
  const shapes: Record<string, Record<string, unknown>> = {
    IMMEDIATE_GRADE_SET: { grade: 'G1', obviousThreat: OBVIOUS_THREAT },
    REFERRAL_ACKNOWLEDGED: { referralId },
    REFERRAL_ANSWERED: { referralId, answer: 'accepted' },
    REFERRAL_ESCALATED: { referralId, level: 1, reason: 'noAnswer', escalatedBy: by },
    REFERRAL_RESOLVED: { referralId, outcome: 'noFurtherAction', resolvedBy: by },
    REFERRAL_CALLER_INFORMED: { referralId, whoWillAttend: 'nobody', method: 'phone' },
    REFERRAL_WITHDRAWN: { referralId, reason: 'not needed' },
  };
  return { type, occurredAt: at, ...shapes[type] };
}

interface Tally {
  creates: number;
  accepted: number;
  detentionEvents: number;
  fired: number;
  /** Events recorded by the mail worker (REFERRAL_SENT) and by partners through the response link. */
  other: number;
  statuses: Map<number, number>;
}

interface Incident {
  plan: Plan;
  next: number;
  id: string | null;
  lastKeyed: { body: string; ifMatch: string; key: string; status: number; answer: unknown } | null;
}

async function runWorkload(h: Harness, w: Workload): Promise<Tally> {
  const tally: Tally = { creates: 0, accepted: 0, detentionEvents: 0, fired: 0, other: 0, statuses: new Map() };
  const mailDir = join(h.dir, 'mail');
  const capture = captureTransport(mailDir);
  const note = (r: ApiResponse) => tally.statuses.set(r.status, (tally.statuses.get(r.status) ?? 0) + 1);
  const rand = prng(w.interleaveSeed);
  const incidents: Incident[] = w.plans.map((plan) => ({ plan, next: 0, id: null, lastKeyed: null }));
  let active = incidents.slice();
  let keyCounter = 0;

  const post = async (id: string, body: Record<string, unknown> | string, headers: Record<string, string>) => {
    // Each step as the control-room role that does it (dispatch and s.136 by a dispatcher, R9 by a supervisor).
    const r = await h.request(
      'POST',
      `/api/incidents/${id}/events`,
      typeof body === 'string'
        ? { raw: body, headers, token: h.tokenFor(parsedOrEmpty(body)) }
        : { body, headers, token: h.tokenFor(body) },
    );
    note(r);
    return r;
  };
  const view = async (id: string): Promise<View> => {
    // The workload goes back to incidents closed days ago: a read that needs its reason.
    const r = await h.request('GET', `/api/incidents/${id}`, { headers: REASON });
    expect(r.status).toBe(200);
    return r.body as View;
  };

  // Two scripted incidents in every workload, whatever the random plans turn out to do: a whole
  // detention, and an emailed referral sent by the worker and acknowledged through the partner link.
  {
    const start = h.count('incident_events');
    const d = await policeIncident(h, { subject: { ageYears: 40, gender: 'male', ethnicity: 'white' } });
    const detention = [
      considered('wl-d1'),
      consulted('wl-d1'),
      detained('wl-d1'),
      conveyed('wl-d1'),
      arrived('wl-d1'),
      nhsAccepted('wl-d1'),
      departed('wl-d1'),
    ];
    await steps(h, d, detention);
    h.clock.advanceMinutes(30);
    await steps(h, d, [outcome('wl-d1', 'dischargedNFA', { doctorExaminedAt: h.clock.at() }), closeDetention('wl-d1')]);
    tally.detentionEvents += detention.length + 2;
    const r = await gradedIncident(h);
    await steps(h, r, [decision('handover'), emailReferral('wl-r1')]);
    tally.creates += 2;
    tally.accepted += h.count('incident_events') - start - 2;
    const beforeOther = h.count('incident_events');
    expect(await deliverOutbox(h.deps, capture, { from: 'mh-triage@kent.police.test' })).toMatchObject({ sent: 1 });
    const expiresAt = h.db.$client
      .prepare(
        `SELECT json_extract(payload, '$.route.linkExpiresAt') FROM incident_events WHERE incident_id = ? AND type = ` +
          `'REFERRAL_MADE'`,
      )
      .pluck()
      .get(r) as string;
    const form = new URLSearchParams({ action: 'acknowledge', respondent: 'A Nurse, crisis team' });
    const ack = await h.request('POST', h.partnerLinks.url(h.partnerLinks.token(r, 'wl-r1', expiresAt)), {
      raw: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      token: null,
    });
    expect(ack.status).toBe(200);
    tally.other += h.count('incident_events') - beforeOther;
  }

  while (active.length > 0) {
    const inc = active[Math.floor(rand() * active.length)]!;
    if (inc.id === null) {
      const c = inc.plan.create;
      const body = {
        receivedAt: h.clock.at(-c.minutesAgo),
        channel: c.channel,
        category: c.category,
        mhFlagAtCall: c.mhFlagAtCall,
        ...(c.reference ? { reference: c.reference } : {}),
        ...(c.locationClass ? { locationClass: c.locationClass } : {}),
        ...(c.person !== null
          ? { subject: { identifiers: { forcePersonId: PEOPLE[c.person]! }, ageYears: c.ageYears } }
          : {}),
      };
      // An AWOL category needs a detained patient (R14).
      if (config.categories.find((x) => x.code === c.category)?.requiresDetainedLegalStatus) {
        (body as Record<string, unknown>).subject = {
          ...((body as { subject?: object }).subject ?? {}),
          legalStatus: '03',
        };
      }
      let r = await h.request('POST', '/api/incidents', { body });
      note(r);
      if (r.status === 409) {
        expect(r.body.code, 'a reused reference is refused').toBe('REFERENCE_EXISTS');
        const { reference: _r, ...rest } = body as Record<string, unknown>;
        r = await h.request('POST', '/api/incidents', { body: rest });
        note(r);
      }
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      inc.id = r.body.id as string;
      tally.creates++;
      continue;
    }
    const action = inc.plan.actions[inc.next++]!;
    if (inc.next >= inc.plan.actions.length) active = active.filter((x) => x !== inc);
    const id = inc.id;

    if (action.kind === 'sweep') {
      h.clock.advanceMinutes(action.minutes);
      tally.fired += sweepDeadlines(h.deps).fired;
      continue;
    }
    if (action.kind === 'mail') {
      const before = h.count('incident_events');
      await deliverOutbox(h.deps, capture, { from: 'mh-triage@kent.police.test' });
      tally.other += h.count('incident_events') - before;
      continue;
    }
    if (action.kind === 'partner') {
      const v = await view(id);
      const emailed = v.referrals.filter((r) => r.delivery === 'email');
      const r = emailed[action.pick % Math.max(1, emailed.length)];
      if (!r) continue;
      const expiresAt = h.db.$client
        .prepare(
          `SELECT json_extract(payload, '$.route.linkExpiresAt') FROM incident_events WHERE incident_id = ? AND type ` +
            `= 'REFERRAL_MADE' AND json_extract(payload, '$.referralId') = ?`,
        )
        .pluck()
        .get(id, r.id) as string;
      const link = h.partnerLinks.url(h.partnerLinks.token(id, r.id, expiresAt));
      const before = h.count('incident_events');
      const form = new URLSearchParams({
        action: action.action,
        respondent: 'A Nurse, crisis team',
        ...(action.action === 'decline' ? { reason: 'no capacity' } : {}),
      });
      const res = await h.request('POST', link, {
        raw: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        token: null,
      });
      note(res);
      expect(
        [200, 409, 410, 422],
        `partner ${action.action} on ${r.state}: ${String(res.body).slice(0, 300)}`,
      ).toContain(res.status);
      tally.other += h.count('incident_events') - before;
      if (res.status !== 200)
        expect(h.count('incident_events'), 'a refused partner answer writes nothing').toBe(before);
      continue;
    }
    if (action.kind === 'retry') {
      const k = inc.lastKeyed;
      if (!k) continue;
      const r = await post(id, k.body, { 'if-match': k.ifMatch, 'idempotency-key': k.key });
      expect(r.status, 'a retried request gets the first answer').toBe(k.status);
      expect(r.body).toEqual(k.answer);
      continue;
    }
    h.clock.advanceSeconds(action.advance);
    const at = h.clock.at();
    const v = await view(id);
    const ifMatch = `"${v.version}"`;
    const where = `${JSON.stringify(action)} on ${v.state} v${v.version} [${v.allowedEvents.join(',')}]`;

    switch (action.kind) {
      case 'valid': {
        if (v.allowedEvents.length === 0) {
          const r = await post(id, validBody('NEW_INFORMATION', v, action.variant, at)!, { 'if-match': ifMatch });
          expect(r.status, `${where}: ${JSON.stringify(r.body)}`).toBe(422);
          break;
        }
        const forward = forwardEvents(v);
        const others = v.allowedEvents.filter((t) => !isDetentionEvent(t));
        const choices = action.forward && forward.length > 0 ? forward : others;
        // A child event may be listed while no referral can take it with any payload (e.g. every
        // escalated referral is at the top of the ladder): try the next allowed type.
        let type = '';
        let body: Record<string, unknown> | null = null;
        for (let k = 0; k < choices.length && !body; k++) {
          type = choices[(action.pick + k) % choices.length]!;
          body = validBody(type, v, action.variant, at);
        }
        if (!body) break;
        const headers: Record<string, string> = { 'if-match': ifMatch };
        if (action.key) headers['idempotency-key'] = `k-${++keyCounter}`;
        const r = await post(id, body, headers);
        expect(r.status, `${where} → ${type}: ${JSON.stringify(r.body)}`).toBe(200);
        expect(r.body.version).toBe(v.version + 1);
        tally.accepted++;
        if (action.key)
          inc.lastKeyed = {
            body: JSON.stringify(body),
            ifMatch,
            key: headers['idempotency-key']!,
            status: r.status,
            answer: r.body,
          };
        break;
      }
      case 'detention': {
        const types = v.allowedEvents.filter(isDetentionEvent);
        if (types.length === 0) break;
        // Move a detention on before starting another, so detentions get past their first step.
        const progress = types.filter((t) => t !== 'S136_CONSIDERED' && t !== 'S135_WARRANT_EXECUTED');
        const pool = progress.length > 0 ? progress : types;
        const type = pool[action.pick % pool.length]!;
        const r = await post(id, detentionBody(type, v, action.variant, at), { 'if-match': ifMatch });
        expect([200, 422], `${where} → ${type}: ${JSON.stringify(r.body)}`).toContain(r.status);
        if (r.status === 200) {
          tally.accepted++;
          tally.detentionEvents++;
        }
        break;
      }
      case 'anyType': {
        const r = await post(id, shapedBody(action.type, v, action.variant, at), { 'if-match': ifMatch });
        expect([200, 422], `${where}: ${JSON.stringify(r.body)}`).toContain(r.status);
        if (!v.allowedEvents.includes(action.type)) expect(r.status, `${where}: not allowed now`).toBe(422);
        if (r.status === 200) tally.accepted++;
        break;
      }
      case 'rule': {
        const body = ruleBreakingBody(action.which, v, action.variant, at);
        const r = await post(id, body, { 'if-match': ifMatch });
        expect(r.status, `${where}: ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).toBe(422);
        break;
      }
      case 'stale': {
        const type = v.allowedEvents.length
          ? v.allowedEvents[action.pick % v.allowedEvents.length]!
          : 'NEW_INFORMATION';
        const r = await post(id, validBody(type, v, action.variant, at) ?? shapedBody(type, v, action.variant, at), {
          'if-match': `"${Math.max(0, v.version + action.delta)}"`,
        });
        expect(r.status, where).toBe(409);
        expect(r.body.currentVersion).toBe(v.version);
        break;
      }
      case 'bad': {
        const { status, body, headers, path } = badRequest(action.which, v, at, inc.lastKeyed?.key ?? null);
        const r = path ? await h.request('POST', path, { body, headers }) : await post(id, body, headers);
        if (path) note(r);
        expect(r.status, `${where}: ${JSON.stringify(r.body)}`).toBe(status);
        break;
      }
    }
  }
  return tally;
}

/** A raw body's JSON object (to find its event type), or {} when it is not one. */
function parsedOrEmpty(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function ruleBreakingBody(
  which: (typeof RULE_CASES)[number],
  v: View,
  variant: number,
  at: string,
): Record<string, unknown> {
  const thrive = { type: 'THRIVE_RECORDED', occurredAt: at, ...thriveNotes };
  const referral = (over: Record<string, unknown>) => ({ ...validBody('REFERRAL_MADE', v, variant, at), ...over });
  const escalatable = v.referrals.find((r) => REFERRAL_EVENT_STATES.REFERRAL_ESCALATED!.includes(r.state));
  const breakR1 = { ...thrive, threat: '' };
  switch (which) {
    case 'thriveBlankDimension':
      return { ...thrive, harm: '   ' };
    case 'thriveNoRationale':
      return { ...thrive, rationale: '' };
    case 'occurredInFuture':
      return { ...thrive, occurredAt: new Date(Date.parse(at) + 10 * 60_000).toISOString() };
    case 'occurredBeforeCall':
      return { ...thrive, occurredAt: new Date(Date.parse(v.receivedAt) - 5 * 60_000).toISOString() };
    case 'noDeployDespiteRiskWithoutOverride':
      return {
        type: 'RCRP_DECISION_RECORDED',
        occurredAt: at,
        crimeOccurring: false,
        riskToLife: true,
        riskOfSeriousHarm: false,
        decision: 'adviceOnly',
        rationale: 'r',
      };
    case 'overrideByConstable':
      return {
        type: 'RCRP_DECISION_RECORDED',
        occurredAt: at,
        crimeOccurring: true,
        riskToLife: false,
        riskOfSeriousHarm: false,
        decision: 'handover',
        rationale: 'r',
        override: { name: 'PC Jones', rank: 'constable', reason: 'busy night' },
      };
    case 'closeWithoutMhFlag':
      return { type: 'INCIDENT_CLOSED', occurredAt: at, closureCode: 'resolved' };
    case 'answerUnknownReferral':
      return { type: 'REFERRAL_ANSWERED', occurredAt: at, referralId: 'no-such-referral', answer: 'accepted' };
    case 'declineWithoutReason': {
      const open = v.referrals.find((r) => r.status === 'pending' || r.status === 'noResponse');
      return {
        type: 'REFERRAL_ANSWERED',
        occurredAt: at,
        referralId: open?.id ?? 'no-such-referral',
        answer: 'declined',
      };
    }
    case 'referralWithoutNamedContact':
      return referral({ namedContact: '  ' });
    case 'duplicateReferralId':
      // With no referral yet there is nothing to duplicate: break R1 instead.
      return v.referrals[0] ? referral({ referralId: v.referrals[0].id }) : breakR1;
    case 'escalationToUnknownLevel':
      return escalatable
        ? {
            type: 'REFERRAL_ESCALATED',
            occurredAt: at,
            referralId: escalatable.id,
            level: 9,
            reason: 'noAnswer',
            escalatedBy: { name: 'Sgt A Patel', rank: 'sergeant' },
          }
        : breakR1;
    case 'escalationWithoutPerson':
      return escalatable
        ? {
            type: 'REFERRAL_ESCALATED',
            occurredAt: at,
            referralId: escalatable.id,
            level: LADDER_TOP,
            reason: 'noAnswer',
            escalatedBy: { name: ' ', rank: 'sergeant' },
          }
        : breakR1;
    case 'narrativeToAgencyNotAllowedIt':
      // SECAmb is not configured for free text; in a state that refuses referrals this is refused anyway.
      return referral({ agency: 'secamb', contactMethod: 'phone', narrative: 'long story about the person' });
    case 'awolWithInformalPatient':
      // Only an AWOL incident refuses an informal patient; elsewhere break R1 instead.
      return config.categories.find((c) => c.code === v.category)?.requiresDetainedLegalStatus
        ? { type: 'SUBJECT_RECORDED', occurredAt: at, subject: { legalStatus: '01' } }
        : breakR1;
  }
}

function badRequest(
  which: (typeof BAD_CASES)[number],
  v: View,
  at: string,
  usedKey: string | null,
): { status: number; body: Record<string, unknown> | string; headers: Record<string, string>; path?: string } {
  const ifMatch = { 'if-match': `"${v.version}"` };
  const thrive = { type: 'THRIVE_RECORDED', occurredAt: at, ...thriveNotes };
  switch (which) {
    case 'malformedJson':
      return { status: 400, body: '{"type":"THRIVE_RECORDED","occurredAt":', headers: ifMatch };
    case 'unknownType':
      return { status: 400, body: { type: 'PERSON_TELEPORTED', occurredAt: at }, headers: ifMatch };
    case 'unknownGrade':
      return { status: 400, body: { type: 'GRADE_SET', occurredAt: at, grade: 'G9' }, headers: ifMatch };
    case 'extraField':
      return { status: 400, body: { ...thrive, favouriteColour: 'red' }, headers: ifMatch };
    case 'instantWithoutOffset':
      return { status: 400, body: { ...thrive, occurredAt: at.slice(0, 19) }, headers: ifMatch };
    case 'wrongFieldType':
      return {
        status: 400,
        body: { type: 'POLICE_DISPATCHED', occurredAt: at, resources: 'two cars' },
        headers: ifMatch,
      };
    case 'missingIfMatch':
      return { status: 428, body: thrive, headers: {} };
    case 'garbageIfMatch':
      return { status: 400, body: thrive, headers: { 'if-match': 'yesterday' } };
    case 'unknownIncident':
      return { status: 404, body: thrive, headers: ifMatch, path: `/api/incidents/${randomUUID()}/events` };
    case 'idempotencyKeyReused':
      if (!usedKey) return { status: 400, body: '{', headers: ifMatch };
      return {
        status: 422,
        body: { type: 'NEW_INFORMATION', occurredAt: at, summary: 'a different request', source: 'other' },
        headers: { ...ifMatch, 'idempotency-key': usedKey },
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Checking the database.
// ---------------------------------------------------------------------------------------------

/** Every row of a table as SQL literals (quote() keeps types: 1 ≠ 1.0 ≠ '1'), ordered by primary key. */
function dumpTable(db: Db, table: string): string[] {
  const cols = db.$client.prepare(`SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`).all(table) as Array<{
    name: string;
    pk: number;
  }>;
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  expect(pk.length, `${table} has a primary key`).toBeGreaterThan(0);
  const select = cols.map((c) => `quote("${c.name}")`).join(` || '|' || `);
  return db.$client
    .prepare(`SELECT ${select} FROM "${table}" ORDER BY ${pk.map((c) => `"${c.name}"`).join(', ')}`)
    .pluck()
    .all() as string[];
}

function dumpProjections(db: Db): Record<string, string[]> {
  return Object.fromEntries(PROJECTION_TABLES.map((t) => [t, dumpTable(db, t)]));
}

function checkLogAgainstSnapshots(h: Harness, tally: Tally): void {
  const db = h.db.$client;
  const store = incidentStore(h.db);
  const rows = db.prepare(`SELECT id, version, snapshot FROM incidents ORDER BY id`).all() as Array<{
    id: string;
    version: number;
    snapshot: string;
  }>;
  expect(rows.length).toBe(tally.creates);
  const counts = db.prepare(`SELECT count(*) AS n, max(seq) AS maxSeq FROM incident_events WHERE incident_id = ?`);
  for (const r of rows) {
    const events = store.events(r.id);
    const c = counts.get(r.id) as { n: number; maxSeq: number };
    expect({ version: r.version, events: c.n, lastSeq: c.maxSeq }, r.id).toEqual({
      version: c.n,
      events: c.n,
      lastSeq: c.n,
    });
    expect(serializeAggregate(replay(events)), `snapshot of ${r.id}`).toBe(r.snapshot);
  }
  const total = h.count('incident_events');
  expect(total, 'the log holds exactly the accepted commands: refusals wrote nothing').toBe(
    tally.creates + tally.accepted + tally.fired + tally.other,
  );
}

describe('event log and projections under a random workload', () => {
  it('rebuilding every projection from the event log reproduces what the commands stored, byte for byte', async () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
    const path = process.env.FC_PATH;
    const property = fc.asyncProperty(workloadArb, async (w) => {
      const h = createHarness({ mailEnabled: true });
      try {
        const tally = await runWorkload(h, w);
        expect(
          [...tally.statuses.keys()].filter((s) => s >= 500),
          'no request may produce a 5xx',
        ).toEqual([]);
        // The workload really mixed accepted and refused commands, deadlines and alerts.
        expect(tally.accepted).toBeGreaterThan(tally.creates);
        for (const s of [200, 201, 400, 404, 409, 422, 428])
          expect(tally.statuses.get(s) ?? 0, `responses with status ${s}`).toBeGreaterThan(0);
        expect(tally.fired, 'deadline sweeps fired some clocks').toBeGreaterThan(0);
        expect(h.count('referrals')).toBeGreaterThan(0);
        expect(h.count('detentions'), 'detentions were started').toBeGreaterThan(0);
        expect(tally.detentionEvents, 'detention steps were accepted').toBeGreaterThan(0);
        expect(h.count('referral_escalations'), 'some referrals were escalated').toBeGreaterThan(0);
        expect(tally.other, 'emails were sent and partners answered through links').toBeGreaterThan(0);
        expect(h.count('alerts')).toBeGreaterThan(0);

        if (process.env.REPLAY_STATS)
          console.log(
            JSON.stringify({
              escalations: h.count('referral_escalations'),
              detentions: h.count('detentions'),
              tally: { ...tally, statuses: Object.fromEntries(tally.statuses) },
              referrals: h.db.$client.prepare('SELECT state, count(*) n FROM referrals GROUP BY state').all(),
              outbox: h.db.$client.prepare('SELECT kind, status, count(*) n FROM outbox GROUP BY kind, status').all(),
              events: h.db.$client
                .prepare(
                  "SELECT type, actor_role, count(*) n FROM incident_events WHERE type LIKE 'REFERRAL%' GROUP BY " +
                    'type, actor_role',
                )
                .all(),
            }),
          );
        checkLogAgainstSnapshots(h, tally);
        const stored = dumpProjections(h.db);
        const r = rebuildProjections(h.db);
        expect(r).toEqual({ incidents: tally.creates, events: h.count('incident_events') });
        const rebuilt = dumpProjections(h.db);
        for (const t of PROJECTION_TABLES) {
          const before = new Set(stored[t]);
          const after = new Set(rebuilt[t]);
          const diff = {
            onlyStored: stored[t]!.filter((x) => !after.has(x)).slice(0, 5),
            onlyRebuilt: rebuilt[t]!.filter((x) => !before.has(x)).slice(0, 5),
          };
          expect(diff, `${t}: rows that differ after rebuild`).toEqual({ onlyStored: [], onlyRebuilt: [] });
          expect(rebuilt[t], `${t} after rebuild`).toEqual(stored[t]);
        }
      } finally {
        await h.close();
      }
    });
    // fc.check rather than fc.assert: the counterexample (200+ incident plans) is too big to be
    // useful in a report; the seed and path reproduce it exactly.
    const details = await fc.check(property, {
      numRuns: 2,
      endOnFailure: true,
      ...(seed !== undefined ? { seed } : {}),
      ...(path !== undefined ? { path } : {}),
    });
    if (details.failed) {
      const err = details.errorInstance;
      throw new Error(
        `random workload failed after ${details.numRuns} run(s); reproduce with FC_SEED=${details.seed} ` +
          `FC_PATH=${details.counterexamplePath}\n` +
          (err instanceof Error ? err.message : String(err)) +
          (err && typeof err === 'object' && 'actual' in err
            ? `\nactual: ${JSON.stringify(err.actual, null, 1).slice(0, 3000)}`
            : '') +
          (err instanceof Error ? `\n${err.stack ?? ''}` : ''),
      );
    }
  }, 180_000);
});
