/**
 * How each accepted event changes the incident (cannot fail: the rules have already said yes),
 * including the flags it raises and what a child machine's change of status means here: a declined
 * or unanswered referral needs the risk looked at again (a fresh THRIVE).
 */
import { addMinutes, type EventMeta, isBlank, laterInstant, withFlag } from '../kit.js';
import { defaultAssignmentId } from '../resource/index.js';
import { attendanceFlag, deadlineFlag } from './clock.js';
import {
  type IncidentContext,
  type IncidentEvent,
  type IncidentEventOf,
  type IncidentEventType,
  NO_DEPLOY,
  type Trigger,
} from './events.js';
import { childExclusionFlag, subjectFlags } from './rules.js';

function trigger(ctx: IncidentContext, e: EventMeta, type: string): Trigger {
  return {
    fromSeq: ctx.pendingReassessment?.fromSeq ?? e.seq,
    toSeq: e.seq,
    lastType: type,
    lastOccurredAt: e.occurredAt,
  };
}

const reducers: {
  [K in IncidentEventType]: (ctx: IncidentContext, e: IncidentEventOf<K>) => IncidentContext;
} = {
  INCIDENT_CREATED(_ctx, e) {
    const base: IncidentContext = {
      incidentId: e.incidentId,
      reference: e.reference,
      channel: e.channel,
      category: e.category,
      district: e.district,
      locationClass: e.locationClass,
      receivedAt: e.occurredAt,
      createdAt: e.recordedAt,
      mhFlagAtCall: e.mhFlagAtCall,
      mhFlagAtClose: null,
      closedAt: null,
      closureCode: null,
      policy: e.policy,
      subject: e.subject,
      thrive: null,
      grade: null,
      decision: null,
      pendingReassessment: null,
      firstDispatchedAt: null,
      resourcesDispatched: 0,
      resources: {},
      firstArrivedAt: null,
      callHandling: [],
      imported: false,
      referrals: {},
      noDeployAt: null,
      resolvedWithoutPolice: false,
      repeatContactOf: [],
      flags: [],
      firedDeadlines: [],
      lastOccurredAt: e.occurredAt,
    };
    return { ...base, ...subjectFlags(base, e, e.subject ? e.priorContacts : []) };
  },
  INCIDENT_IMPORTED(_ctx, e) {
    const firstDispatchedAt = e.resources.reduce<string | null>(
      (m, r) => (m === null || r.dispatchedAt < m ? r.dispatchedAt : m),
      null,
    );
    const firstArrivedAt = e.resources.reduce<string | null>(
      (m, r) => (r.arrivedAt !== null && (m === null || r.arrivedAt < m) ? r.arrivedAt : m),
      null,
    );
    const noDeploy = e.rcrpDecision !== null && NO_DEPLOY.includes(e.rcrpDecision);
    return {
      incidentId: e.incidentId,
      reference: e.reference,
      channel: e.channel,
      category: e.category,
      district: e.district,
      locationClass: e.locationClass,
      receivedAt: e.occurredAt,
      createdAt: e.recordedAt,
      mhFlagAtCall: e.mhFlagAtCall,
      mhFlagAtClose: e.mhFlagAtClose,
      closedAt: e.closedAt,
      closureCode: e.closureCode,
      policy: e.policy,
      subject: e.subject ?? null,
      thrive: null,
      grade:
        e.grade && e.gradePolicy
          ? { code: e.grade, seq: e.seq, occurredAt: e.occurredAt, policy: e.gradePolicy }
          : null,
      decision: e.rcrpDecision
        ? {
            decision: e.rcrpDecision,
            seq: e.seq,
            occurredAt: e.occurredAt,
            crimeOccurring: null,
            riskToLife: null,
            riskOfSeriousHarm: null,
            overridden: false,
          }
        : null,
      pendingReassessment: null,
      firstDispatchedAt,
      resourcesDispatched: e.resources.length,
      resources: Object.fromEntries(
        e.resources.map((r) => [r.assignmentId, { callSign: r.callSign, officers: r.officers, status: 'cleared' }]),
      ),
      firstArrivedAt,
      callHandling: e.callHandling,
      imported: true,
      referrals: Object.fromEntries(
        (e.referrals ?? []).map((r) => [
          r.referralId,
          { agency: r.agency, status: r.answer ?? 'pending', statusSeq: e.seq, madeAt: r.madeAt },
        ]),
      ),
      noDeployAt: noDeploy ? e.occurredAt : null,
      resolvedWithoutPolice: false,
      repeatContactOf: [],
      flags: [],
      firedDeadlines: [],
      lastOccurredAt: e.closedAt,
    };
  },
  CALL_HANDLING_RECORDED: (ctx, e) => ({
    ...ctx,
    callHandling: [...(ctx.callHandling ?? []), { answeredAt: e.answeredAt, endedAt: e.occurredAt }],
  }),
  SUBJECT_RECORDED(ctx, e) {
    const next = { ...ctx, subject: e.subject };
    return { ...next, ...subjectFlags(next, e, e.priorContacts) };
  },
  THRIVE_RECORDED(ctx, e) {
    const p = ctx.pendingReassessment;
    return {
      ...ctx,
      thrive: {
        version: (ctx.thrive?.version ?? 0) + 1,
        seq: e.seq,
        occurredAt: e.occurredAt,
        assessorId: e.actor.id,
        safetyNet: isBlank(e.safetyNet) ? null : e.safetyNet,
        reassessmentOf: p ? { fromSeq: p.fromSeq, toSeq: p.toSeq } : null,
      },
      pendingReassessment: null,
    };
  },
  GRADE_SET: (ctx, e) => ({
    ...ctx,
    grade: { code: e.grade, seq: e.seq, occurredAt: e.occurredAt, policy: e.gradePolicy },
  }),
  IMMEDIATE_GRADE_SET(ctx, e) {
    const policy = e.gradePolicy.immediate!; // the rules refuse a grade that is not immediate
    return {
      ...ctx,
      grade: { code: e.grade, seq: e.seq, occurredAt: e.occurredAt, policy: e.gradePolicy },
      immediate: {
        seq: e.seq,
        occurredAt: e.occurredAt,
        thriveDueAt: addMinutes(e.occurredAt, policy.thriveWithinMinutes),
        policy,
      },
    };
  },
  RCRP_DECISION_RECORDED(ctx, e) {
    const noDeploy = NO_DEPLOY.includes(e.decision);
    const next: IncidentContext = {
      ...ctx,
      decision: {
        decision: e.decision,
        seq: e.seq,
        occurredAt: e.occurredAt,
        crimeOccurring: e.crimeOccurring,
        riskToLife: e.riskToLife,
        riskOfSeriousHarm: e.riskOfSeriousHarm,
        overridden: e.override !== null,
      },
      noDeployAt: ctx.noDeployAt ?? (noDeploy ? e.occurredAt : null),
    };
    return { ...next, flags: childExclusionFlag(next, e) };
  },
  POLICE_DISPATCHED: (ctx, e) => ({
    ...ctx,
    firstDispatchedAt: ctx.firstDispatchedAt ?? e.occurredAt,
    resourcesDispatched: ctx.resourcesDispatched + e.resources.length,
    resources: {
      ...ctx.resources,
      ...Object.fromEntries(
        e.resources.map((r, i) => [
          r.assignmentId ?? defaultAssignmentId(e.seq, i),
          { callSign: r.callSign, officers: r.officers, status: 'dispatched' },
        ]),
      ),
    },
  }),
  REFERRAL_MADE: (ctx, e) => ({
    ...ctx,
    referrals: {
      ...ctx.referrals,
      [e.referralId]: { agency: e.agency, status: 'pending', statusSeq: e.seq, madeAt: e.occurredAt },
    },
  }),
  CHILD_STATUS_CHANGED(ctx, e) {
    if (e.kind === 'resource') {
      const r = ctx.resources?.[e.childId];
      if (!r) return ctx;
      const arrived =
        e.status === 'arrived' &&
        (ctx.firstArrivedAt === null || ctx.firstArrivedAt === undefined || e.occurredAt < ctx.firstArrivedAt);
      const next = {
        ...ctx,
        resources: { ...ctx.resources, [e.childId]: { ...r, status: e.status } },
        firstArrivedAt: arrived ? e.occurredAt : (ctx.firstArrivedAt ?? null),
      };
      if (!arrived) return next;
      const withGrade = { ...next, arrivalGrade: ctx.grade };
      return { ...withGrade, flags: attendanceFlag(withGrade, e) };
    }
    if (e.kind !== 'referral') return ctx;
    const r = ctx.referrals[e.childId];
    if (!r) return ctx;
    const referrals = { ...ctx.referrals, [e.childId]: { ...r, status: e.status, statusSeq: e.seq } };
    // A decline or silence means the partner is not coming: someone must look at the risk again.
    const notComing = e.status === 'declined' || e.status === 'noResponse';
    return { ...ctx, referrals, pendingReassessment: notComing ? trigger(ctx, e, e.cause) : ctx.pendingReassessment };
  },
  ADVICE_GIVEN: (ctx, e) => ({ ...ctx, noDeployAt: ctx.noDeployAt ?? e.occurredAt, resolvedWithoutPolice: true }),
  RESOLVED_WITHOUT_DEPLOYMENT: (ctx, e) => ({
    ...ctx,
    noDeployAt: ctx.noDeployAt ?? e.occurredAt,
    resolvedWithoutPolice: true,
  }),
  NEW_INFORMATION: (ctx, e) => ({ ...ctx, pendingReassessment: trigger(ctx, e, e.type) }),
  INCIDENT_CLOSED(ctx, e) {
    const next = { ...ctx, mhFlagAtClose: e.mhFlagAtClose, closedAt: e.occurredAt, closureCode: e.closureCode };
    return { ...next, flags: attendanceFlag(next, e) };
  },
  DEADLINE_REACHED: (ctx, e) => ({
    ...ctx,
    firedDeadlines: [...ctx.firedDeadlines, e.deadlineKey],
    flags: withFlag(ctx.flags, deadlineFlag(ctx, e)),
  }),
};

export function reduceIncident(ctx: IncidentContext, e: IncidentEvent): IncidentContext {
  const next = (reducers[e.type] as (c: IncidentContext, ev: IncidentEvent) => IncidentContext)(ctx, e);
  return { ...next, lastOccurredAt: laterInstant(next.lastOccurredAt, e.occurredAt) };
}
