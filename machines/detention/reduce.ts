/**
 * How each accepted event changes a detention (cannot fail: the rules have already said yes): the
 * clock starts once, each place of safety is a stay, extensions move the expiry, and events raise
 * their flags (rules.ts) and the flags of overrun clocks (clock.ts).
 */
import { type EventMeta, laterInstant, MINUTE_MS, plusMs, withFlag } from '../kit.js';
import { ageBandFor } from '../subject.js';
import { deadlineFlag, isExpiryKey, lateAssessmentFlag, lateHandoverFlag } from './clock.js';
import {
  currentStay,
  type DetentionContext,
  type DetentionEvent,
  type DetentionEventOf,
  type DetentionEventType,
  extensionMinutes,
  PERMITTED_PERIOD_MS,
  type Place,
  type Power,
  type Stay,
} from './events.js';
import {
  ambulanceNotRequestedFlag,
  assessmentStart,
  childAtPoliceStationFlag,
  noProfessionalPresentFlag,
  releasedByPoliceFlag,
} from './rules.js';

function newStay(c: DetentionContext, e: EventMeta, place: Place, policeInAttendance: boolean): Stay {
  const handoverRuleApplies =
    place.type === 'policeStation'
      ? false
      : place.type === 'emergencyDepartment'
        ? c.policy.handoverRuleAtEmergencyDepartments
        : true;
  return {
    seq: e.seq,
    place,
    arrivedAt: e.occurredAt,
    policeInAttendance,
    handoverRuleApplies,
    acceptedAt: null,
    acceptedBy: null,
    departedAt: null,
    extendedStay: null,
    lastCheckAt: null,
    lastCheckSeq: null,
  };
}

/** The clock starts once and never moves. */
function startClock(
  c: DetentionContext,
  at: string,
  basis: NonNullable<DetentionContext['clockBasis']>,
): DetentionContext {
  if (c.clockStart) return c;
  const base = plusMs(at, PERMITTED_PERIOD_MS);
  return { ...c, clockStart: at, clockBasis: basis, baseExpiresAt: base, expiresAt: base };
}

const updateStay = (c: DetentionContext, f: (s: Stay) => Stay): DetentionContext => ({
  ...c,
  stays: [...c.stays.slice(0, -1), f(currentStay(c)!)],
});

function detain(
  c: DetentionContext,
  e: DetentionEventOf<'S136_DETAINED'> | DetentionEventOf<'S135_WARRANT_EXECUTED'>,
): DetentionContext {
  let next: DetentionContext = { ...c, mode: e.mode, detainedAt: e.occurredAt, officer: e.officer, person: e.person };
  if (e.mode === 'kept' && e.placeOfSafety) {
    next = {
      ...next,
      conveyance: { method: 'noneAlreadyAtPoS', ambulanceRequested: null, policeVehicleReason: null },
      stays: [newStay(next, e, e.placeOfSafety, true)],
    };
    next = startClock(next, e.occurredAt, e.type === 'S136_DETAINED' ? 'decisionToKeep' : 'entryToPremises');
  }
  return next;
}

function emptyContext(
  e: DetentionEventOf<'S136_CONSIDERED'> | DetentionEventOf<'S135_WARRANT_EXECUTED'>,
  power: Power,
): DetentionContext {
  return {
    detentionId: e.detentionId,
    power,
    policy: e.policy,
    consideredAt: null,
    consultations: [],
    notDetainedReason: null,
    mode: null,
    detainedAt: null,
    officer: null,
    locationType: null,
    warrant: null,
    person: { ageYears: null, ageBand: null, gender: null, ethnicity: null },
    conveyance: null,
    clockStart: null,
    clockBasis: null,
    baseExpiresAt: null,
    extensions: [],
    expiresAt: null,
    stays: [],
    assessmentStartedAt: null,
    outcome: null,
    lapsedAt: null,
    adr: { firstPlaceOfSafety: null, conveyanceMethod: null, policeStationReason: null, arrestedForOffence: null },
    closedAt: null,
    flags: [],
    firedDeadlines: [],
    lastAt: e.occurredAt,
  };
}

const reducers: {
  [K in DetentionEventType]: (ctx: DetentionContext, e: DetentionEventOf<K>) => DetentionContext;
} = {
  S136_CONSIDERED: (_c, e) => ({ ...emptyContext(e, 's136'), consideredAt: e.occurredAt, officer: e.officer }),
  S135_WARRANT_EXECUTED: (_c, e) => detain({ ...emptyContext(e, e.power), warrant: e.warrant }, e),
  S136_CONSULTATION_RECORDED: (c, e) => ({
    ...c,
    consultations: [
      ...c.consultations,
      { seq: e.seq, at: e.occurredAt, practicable: e.practicable, profession: e.practicable ? e.profession : null },
    ],
  }),
  S136_NOT_DETAINED: (c, e) => ({ ...c, notDetainedReason: e.reason }),
  S136_DETAINED: (c, e) => detain({ ...c, locationType: e.locationType }, e),
  S136_CONVEYANCE_RECORDED: (c, e) => ({
    ...c,
    conveyance: {
      method: e.method,
      ambulanceRequested: e.ambulanceRequested,
      policeVehicleReason: e.policeVehicleReason,
    },
    flags: withFlag(c.flags, ambulanceNotRequestedFlag(c, e)),
  }),
  S136_ARRIVED_AT_PLACE_OF_SAFETY: (c, e) =>
    startClock({ ...c, stays: [newStay(c, e, e.placeOfSafety, true)] }, e.occurredAt, 'arrivalAtPlaceOfSafety'),
  S136_TRANSFERRED: (c, e) => ({ ...c, stays: [...c.stays, newStay(c, e, e.placeOfSafety, e.policeAccompanying)] }),
  S136_HEALTHCARE_CHECK_RECORDED(c, e) {
    const next = updateStay(c, (s) => ({ ...s, lastCheckAt: e.occurredAt, lastCheckSeq: e.seq }));
    return { ...next, flags: withFlag(next.flags, noProfessionalPresentFlag(c, e)) };
  },
  S136_NHS_ACCEPTED(c, e) {
    const next = updateStay(c, (s) => ({ ...s, acceptedAt: e.occurredAt, acceptedBy: e.acceptedBy }));
    // A late acceptance is flagged when it is recorded, even when no sweep reached the handover clock.
    return { ...next, flags: withFlag(next.flags, lateHandoverFlag(c, currentStay(c)!, e, 'acceptance')) };
  },
  S136_EXTENDED_STAY_AGREED: (c, e) =>
    updateStay(c, (s) => ({ ...s, extendedStay: { reason: e.reason, nhsContact: e.nhsContact, at: e.occurredAt } })),
  S136_POLICE_DEPARTED(c, e) {
    const next = updateStay(c, (s) => ({ ...s, departedAt: e.occurredAt }));
    return { ...next, flags: withFlag(next.flags, lateHandoverFlag(c, currentStay(c)!, e, 'departure')) };
  },
  S136_ASSESSMENT_STARTED(c, e) {
    const next = { ...c, assessmentStartedAt: e.occurredAt };
    return { ...next, flags: withFlag(next.flags, lateAssessmentFlag(c, e)) };
  },
  S136_EXTENSION_AUTHORISED(c, e) {
    const extensions = [
      ...c.extensions,
      {
        seq: e.seq,
        at: e.occurredAt,
        minutes: Math.round(e.hours * 60),
        authoriser: e.authoriser.name,
        ground: e.ground,
        superintendent: e.superintendentApproval
          ? `${e.superintendentApproval.rank} ${e.superintendentApproval.name}`
          : null,
      },
    ];
    const next = { ...c, extensions };
    return { ...next, expiresAt: plusMs(c.baseExpiresAt!, extensionMinutes(next) * MINUTE_MS) };
  },
  S136_OUTCOME_RECORDED(c, e) {
    const startAt = assessmentStart(c, e);
    return {
      ...c,
      assessmentStartedAt: startAt,
      outcome: {
        code: e.outcome,
        at: e.occurredAt,
        doctorExaminedAt: e.doctorExaminedAt,
        amhpInterviewedAt: e.amhpInterviewedAt,
        assessmentEndedAt: e.assessmentEndedAt ?? (startAt ? e.occurredAt : null),
        policeRelease: null,
      },
    };
  },
  S136_RELEASED_BY_POLICE: (c, e) => ({
    ...c,
    outcome: {
      code: 'other',
      at: e.occurredAt,
      doctorExaminedAt: null,
      amhpInterviewedAt: null,
      assessmentEndedAt: null,
      policeRelease: { reason: e.reason, supervisor: e.supervisor },
    },
    flags: withFlag(c.flags, releasedByPoliceFlag(c, e)),
  }),
  S136_ADR_RECORDED(c, e) {
    const person = { ...c.person };
    for (const k of ['ageYears', 'ageBand', 'gender', 'ethnicity'] as const)
      if (e.person[k] !== undefined && e.person[k] !== null) (person as Record<string, unknown>)[k] = e.person[k];
    if (e.person.ageYears !== undefined && e.person.ageYears !== null) person.ageBand = ageBandFor(e.person.ageYears);
    else if (e.person.ageBand) person.ageYears = null;
    const adr = {
      firstPlaceOfSafety: e.firstPlaceOfSafety ?? c.adr.firstPlaceOfSafety,
      conveyanceMethod: e.conveyanceMethod ?? c.adr.conveyanceMethod,
      policeStationReason: e.policeStationReason ?? c.adr.policeStationReason,
      arrestedForOffence: e.arrestedForOffence ?? c.adr.arrestedForOffence,
    };
    const next = { ...c, person, adr };
    return { ...next, flags: withFlag(next.flags, childAtPoliceStationFlag(next, e)) };
  },
  S136_CLOSED: (c, e) => ({ ...c, closedAt: e.occurredAt }),
  DEADLINE_REACHED(c, e) {
    const next = {
      ...c,
      firedDeadlines: [...c.firedDeadlines, e.deadlineKey],
      flags: withFlag(c.flags, deadlineFlag(c, e.deadlineKey, e)),
    };
    return isExpiryKey(e.deadlineKey) ? { ...next, lapsedAt: e.occurredAt } : next;
  },
};

export function reduceDetention(ctx: DetentionContext, e: DetentionEvent): DetentionContext {
  const next = (reducers[e.type] as (c: DetentionContext, ev: DetentionEvent) => DetentionContext)(ctx, e);
  return { ...next, lastAt: laterInstant(next.lastAt, e.occurredAt) };
}
