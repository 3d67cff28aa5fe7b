/**
 * Every rule the incident machine enforces: THRIVE before grading (R1), except an immediate grade on
 * an obvious threat, whose THRIVE then follows before closure (R1a; its clock is in clock.ts), and
 * THRIVE after any change of circumstances (R2), urban/rural targets (R5), the RCRP decision and its
 * threshold (R8, R9), children and RCRP (R10), referrals answered before closure (R12), AWOL only for patients liable
 * to be detained (R14), repeat contact (R15) and the MH flag at closure (R40). Resources cleared
 * before closure, and never counted twice, are the resource machine's rules (it is called from
 * here); time order is kit.ts's.
 *
 * Each event type has `when` rules (the context only: they also decide which events are offered
 * now) and `check` rules (the payload); both return the rule an event would break, or null. The
 * flags an event raises (allowed, but alerted once) are at the end.
 */
import {
  type EventMeta,
  type Flag,
  isBlank,
  latestAllowed,
  type RuleBook,
  timeBeforeStart,
  timeInFuture,
  type Violation,
  v,
  withFlag,
} from '../kit.js';
import { canBeAwol, LEGAL_STATUSES } from '../legal-status.js';
import { isSupervisoryRank } from '../ranks.js';
import { overlappingAssignments, resourcesNotCleared, sameResourceTwice } from '../resource/index.js';
import { isChild, type PriorContact, type Subject } from '../subject.js';
import {
  type GradePolicy,
  type IncidentContext,
  type IncidentEvent,
  type IncidentEventOf,
  NO_DEPLOY,
  type RcrpDecision,
  THRIVE_DIMENSIONS,
} from './events.js';

/**
 * The rules behind the incident's clocks (clock.ts): police unresourced too long, the attendance target, and
 * the THRIVE that must follow an immediate grade.
 */
export const CLOCK_RULES = { unresourced: 'R6', attendance: 'R5', immediateThrive: 'R1a' } as const;

/** R1a: an immediate grade was set before THRIVE, and its THRIVE has not been recorded yet. */
function immediateThriveMissing(ctx: IncidentContext, action: string): Violation | null {
  const i = ctx.immediate;
  if (!i || ctx.thrive) return null;
  return v(
    'R1a',
    'THRIVE_REQUIRED',
    `the immediate grade was set at ${i.occurredAt} on an obvious threat, before THRIVE: record the THRIVE ` +
      `assessment before ${action}`,
  );
}

/** R5: a grade whose targets differ for urban and rural needs the incident's location class. */
function locationClassMissing(ctx: IncidentContext, grade: string, policy: GradePolicy): Violation | null {
  if (!policy.targetSplit || ctx.locationClass !== null) return null;
  return v(
    'R5',
    'LOCATION_CLASS_REQUIRED',
    `grade ${grade} has separate urban and rural targets: the incident needs a location class (urban/rural)`,
  );
}

/** R2: a change of circumstances must be answered by a fresh THRIVE before grade/decision/closure. */
function reassessmentPending(ctx: IncidentContext, action: string): Violation | null {
  const p = ctx.pendingReassessment;
  if (!p) return null;
  return v(
    'R2',
    'REASSESSMENT_REQUIRED',
    `a new THRIVE assessment is required before ${action}: circumstances changed (${p.lastType}, event #${p.toSeq})`,
  );
}

/** R8: in RCRP scope the decision comes first, and it must allow what is being done. */
function decisionPermits(ctx: IncidentContext, what: string, permitted: readonly RcrpDecision[]): Violation | null {
  const d = ctx.decision?.decision;
  if (d === undefined) {
    return ctx.policy.rcrpCategory
      ? v(
          'R8',
          'RCRP_DECISION_REQUIRED',
          `this category is in Right Care Right Person scope: record the RCRP decision before ${what}`,
        )
      : null;
  }
  if (!permitted.includes(d)) {
    return v(
      'R8',
      'RCRP_DECISION_CONFLICT',
      `the recorded RCRP decision is '${d}', which does not allow ${what}; record a new decision (with a fresh ` +
        `THRIVE) first`,
    );
  }
  return null;
}

/** R12: closure waits for every referral's answer, unless a later THRIVE records a safety net. */
function referralsUnanswered(ctx: IncidentContext): Violation | null {
  const open = Object.entries(ctx.referrals).filter(([, r]) => r.status === 'pending' || r.status === 'noResponse');
  if (open.length === 0) return null;
  const latest = Math.max(...open.map(([, r]) => r.statusSeq));
  if (ctx.thrive?.safetyNet && ctx.thrive.seq > latest) return null;
  const list = open.map(([id, r]) => `${id} (${r.agency}: ${r.status})`).join(', ');
  return v(
    'R12',
    'REFERRAL_UNRESOLVED',
    `referral ${list} has no answer; record a re-THRIVE with a safety-net decision before closing`,
  );
}

/** R14: an AWOL category needs a subject whose MHA legal status lets them be AWOL (s.18). */
function awolStatusViolation(
  requiresDetained: boolean | undefined,
  category: string,
  subject: Subject | null,
): Violation | null {
  if (!requiresDetained) return null;
  const code = subject?.legalStatus ?? null;
  if (code === '01') {
    return v(
      'R14',
      'AWOL_INFORMAL_PATIENT',
      `category '${category}' is for patients liable to be detained; this patient is informal (legal status 01): an ` +
        `informal patient who leaves is a walk-out or a missing person — use walkOutFromHealthcare or ` +
        `missingPersonMhConcern`,
    );
  }
  if (code === null || !canBeAwol(code)) {
    const what =
      code === null
        ? 'no legal status is recorded'
        : `legal status ${code} (${LEGAL_STATUSES[code].label}) does not make a patient AWOL under s.18`;
    return v(
      'R14',
      'AWOL_LEGAL_STATUS_REQUIRED',
      `category '${category}' needs the patient's MHA legal status to be detained, a community treatment order or ` +
        `guardianship (subject.legalStatus), but ${what}`,
    );
  }
  return null;
}

/** Time order for the times an imported incident carries besides occurredAt (call received). */
function importedTimes(e: IncidentEventOf<'INCIDENT_IMPORTED'>): Violation | null {
  const latest = latestAllowed(e.recordedAt, e.policy.futureToleranceSeconds);
  if (e.closedAt < e.occurredAt)
    return timeBeforeStart(`closedAt ${e.closedAt} is before the call was received (${e.occurredAt})`);
  if (e.closedAt > latest) return timeInFuture(`closedAt ${e.closedAt} is in the future`);
  for (const c of e.callHandling) {
    if (c.answeredAt < e.occurredAt)
      return timeBeforeStart(`call answered ${c.answeredAt} before it was received (${e.occurredAt})`);
    if (c.endedAt < c.answeredAt)
      return timeBeforeStart(`call ended ${c.endedAt} before it was answered (${c.answeredAt})`);
  }
  for (const r of e.resources) {
    if (r.dispatchedAt < e.occurredAt)
      return timeBeforeStart(
        `${r.callSign} dispatched ${r.dispatchedAt} before the call was received (${e.occurredAt})`,
      );
    if (r.clearedAt > latest) return timeInFuture(`${r.callSign} cleared ${r.clearedAt} is in the future`);
  }
  for (const r of e.referrals ?? []) {
    if (r.madeAt < e.occurredAt)
      return timeBeforeStart(
        `the referral to ${r.agency} was made (${r.madeAt}) before the call was received (${e.occurredAt})`,
      );
  }
  return null;
}

export const incidentRules: RuleBook<IncidentContext, IncidentEvent> = {
  INCIDENT_CREATED: {
    check: (_ctx, e) => awolStatusViolation(e.policy.requiresDetainedLegalStatus, e.category, e.subject),
  },
  INCIDENT_IMPORTED: { check: (_ctx, e) => importedTimes(e) ?? overlappingAssignments(e.resources) },
  CALL_HANDLING_RECORDED: {
    check(ctx, e) {
      if (e.answeredAt < ctx.receivedAt)
        return timeBeforeStart(`the call was answered (${e.answeredAt}) before it was received (${ctx.receivedAt})`);
      if (e.occurredAt < e.answeredAt)
        return timeBeforeStart(`the call ended (${e.occurredAt}) before it was answered (${e.answeredAt})`);
      return null;
    },
  },
  SUBJECT_RECORDED: {
    check: (ctx, e) => awolStatusViolation(ctx.policy.requiresDetainedLegalStatus, ctx.category, e.subject),
  },
  THRIVE_RECORDED: {
    check(ctx, e) {
      const missing = THRIVE_DIMENSIONS.filter((d) => isBlank(e[d]));
      if (missing.length > 0) {
        return v(
          'R1',
          'THRIVE_INCOMPLETE',
          `THRIVE needs a note for every dimension (write "none identified" if so); missing: ${missing.join(', ')}`,
        );
      }
      if (isBlank(e.rationale)) return v('R1', 'THRIVE_INCOMPLETE', 'THRIVE needs a rationale');
      const p = ctx.pendingReassessment;
      if (p && e.occurredAt < p.lastOccurredAt) {
        return v(
          'R2',
          'REASSESSMENT_BEFORE_TRIGGER',
          `this re-assessment is dated ${e.occurredAt}, before the change it must answer (${p.lastType} at ` +
            `${p.lastOccurredAt})`,
        );
      }
      return null;
    },
  },
  GRADE_SET: {
    when(ctx) {
      if (!ctx.thrive)
        return v('R1', 'THRIVE_REQUIRED', 'a THRIVE assessment must be recorded before a response grade is set');
      const pending = reassessmentPending(ctx, 're-grading');
      if (pending) return pending;
      if (ctx.grade && ctx.thrive.seq < ctx.grade.seq) {
        return v(
          'R2',
          'REASSESSMENT_REQUIRED',
          `re-grading needs a new THRIVE assessment recorded after the current grade (event #${ctx.grade.seq})`,
        );
      }
      return null;
    },
    check: (ctx, e) => locationClassMissing(ctx, e.grade, e.gradePolicy),
  },
  IMMEDIATE_GRADE_SET: {
    // Offered only on a new incident (before any THRIVE: the chart), where the force has an immediate grade.
    when(ctx) {
      if (!ctx.policy.immediateGrades?.length)
        return v('R1a', 'NO_IMMEDIATE_GRADE', 'this force marks no grade immediate: record THRIVE first (R1)');
      return null;
    },
    check(ctx, e) {
      if (!e.gradePolicy.immediate) {
        return v(
          'R1a',
          'GRADE_NOT_IMMEDIATE',
          `grade ${e.grade} is not an immediate grade (immediate: ${(ctx.policy.immediateGrades ?? []).join(', ')}); ` +
            `record THRIVE first, then GRADE_SET (R1)`,
        );
      }
      if (isBlank(e.obviousThreat))
        return v(
          'R1a',
          'OBVIOUS_THREAT_REQUIRED',
          'an immediate grade before THRIVE needs a note of the obvious threat (obviousThreat)',
        );
      return locationClassMissing(ctx, e.grade, e.gradePolicy);
    },
  },
  RCRP_DECISION_RECORDED: {
    when(ctx) {
      const pending = reassessmentPending(ctx, 'an RCRP decision');
      if (pending) return pending;
      if (ctx.decision && ctx.thrive && ctx.thrive.seq < ctx.decision.seq) {
        return v(
          'R2',
          'REASSESSMENT_REQUIRED',
          `changing the RCRP decision needs a new THRIVE assessment recorded after the current decision (event ` +
            `#${ctx.decision.seq})`,
        );
      }
      return null;
    },
    check(ctx, e) {
      if (isBlank(e.rationale)) return v('R8', 'RCRP_RATIONALE_REQUIRED', 'the RCRP decision needs a rationale');
      const thresholdMet = e.crimeOccurring || e.riskToLife || e.riskOfSeriousHarm;
      if (NO_DEPLOY.includes(e.decision) && thresholdMet) {
        const o = e.override;
        if (!o) {
          return v(
            'R9',
            'RCRP_THRESHOLD_MET',
            `'${e.decision}' is not allowed when a crime is occurring or there is a real and immediate risk to life ` +
              `or of serious harm, unless a supervisor override (name, rank, reason) is recorded`,
          );
        }
        if (isBlank(o.name) || isBlank(o.reason))
          return v('R9', 'OVERRIDE_INCOMPLETE', 'a supervisor override needs a name and a reason');
        if (!isSupervisoryRank(o.rank))
          return v(
            'R9',
            'OVERRIDE_RANK',
            `an override must be made by a supervisor (sergeant or above, or a control-room supervisor), not ` +
              `'${o.rank}'`,
          );
      }
      if (
        NO_DEPLOY.includes(e.decision) &&
        ctx.policy.childrenExcludedFromRcrp &&
        ctx.policy.childExclusionAction === 'requireDeploy' &&
        isChild(ctx.subject)
      ) {
        return v(
          'R10',
          'CHILD_EXCLUDED_FROM_RCRP',
          'children are excluded from Right Care Right Person in this force: police deploy (decision deploy or ' +
            'jointResponse)',
        );
      }
      return null;
    },
  },
  POLICE_DISPATCHED: {
    when: (ctx) => decisionPermits(ctx, 'dispatching police', ['deploy', 'jointResponse']),
    check: (ctx, e) => sameResourceTwice(ctx.resources, e.resources),
  },
  REFERRAL_MADE: {
    when: (ctx) => decisionPermits(ctx, 'a referral to a partner agency', ['handover', 'jointResponse', 'deploy']),
    check: (ctx, e) =>
      ctx.referrals[e.referralId]
        ? v(null, 'DUPLICATE_REFERRAL_ID', `referral ${e.referralId} already exists on this incident`)
        : null,
  },
  ADVICE_GIVEN: { when: (ctx) => decisionPermits(ctx, 'closing the contact with advice only', ['adviceOnly']) },
  RESOLVED_WITHOUT_DEPLOYMENT: {
    when(ctx) {
      if (ctx.firstDispatchedAt)
        return v(
          null,
          'ALREADY_DEPLOYED',
          'police have been dispatched; this incident cannot be resolved without deployment',
        );
      return decisionPermits(ctx, 'resolution without deployment', ['adviceOnly', 'handover']);
    },
  },
  NEW_INFORMATION: {},
  CHILD_STATUS_CHANGED: {},
  INCIDENT_CLOSED: {
    when: (ctx) =>
      reassessmentPending(ctx, 'closure') ??
      immediateThriveMissing(ctx, 'closure') ??
      resourcesNotCleared(ctx.resources) ??
      referralsUnanswered(ctx),
    check(ctx, e) {
      if (e.mhFlagAtClose === null || e.mhFlagAtClose === undefined) {
        return v(
          'R40',
          'MH_FLAG_AT_CLOSE_REQUIRED',
          'closure needs mhFlagAtClose (true/false): was this a mental-health-related incident (NPCC 2019 ' +
            'definition)?',
        );
      }
      if (e.occurredAt < ctx.lastOccurredAt)
        return timeBeforeStart(
          `closure (${e.occurredAt}) cannot be before the last recorded step (${ctx.lastOccurredAt})`,
        );
      return null;
    },
  },
  // A deadline is judged by its clock (clock.ts, incidentDeadlineViolation).
  DEADLINE_REACHED: {},
};

// ---------------------------------------------------------------------------------------------
// Flags an event raises (allowed, but alerted once).
// ---------------------------------------------------------------------------------------------

function repeatContacts(ctx: Pick<IncidentContext, 'receivedAt' | 'policy'>, prior: PriorContact[]): string[] {
  const windowMs = ctx.policy.repeatContactWindowHours * 3_600_000;
  const received = Date.parse(ctx.receivedAt);
  return prior
    .filter((p) => {
      const at = Date.parse(p.noDeployAt);
      return at <= received && received - at <= windowMs;
    })
    .map((p) => p.incidentId)
    .sort();
}

/** R15 (repeat contact after a no-deploy decision) and R10, which follow from who the subject is. */
export function subjectFlags(
  ctx: IncidentContext,
  e: EventMeta,
  prior: PriorContact[],
): Pick<IncidentContext, 'repeatContactOf' | 'flags'> {
  const repeat = [...new Set([...ctx.repeatContactOf, ...repeatContacts(ctx, prior)])].sort();
  let flags = ctx.flags;
  if (repeat.length > 0) {
    flags = withFlag(flags, {
      key: 'R15',
      rule: 'R15',
      severity: 'warning',
      message:
        `repeat contact about the same person within ${ctx.policy.repeatContactWindowHours} h of a no-deploy ` +
        `decision (${repeat.length} earlier incident${repeat.length > 1 ? 's' : ''})`,
      raisedAt: e.occurredAt,
      seq: e.seq,
      notify: 'supervisor',
    });
  }
  return { repeatContactOf: repeat, flags: childExclusionFlag({ ...ctx, flags }, e) };
}

/** R10: a no-deploy decision for a child, where the force excludes children from RCRP (and only flags it). */
export function childExclusionFlag(ctx: IncidentContext, e: EventMeta): Flag[] {
  const d = ctx.decision;
  if (!d || !NO_DEPLOY.includes(d.decision) || !ctx.policy.childrenExcludedFromRcrp || isChild(ctx.subject) !== true)
    return ctx.flags;
  return withFlag(ctx.flags, {
    key: 'R10',
    rule: 'R10',
    severity: 'warning',
    message: `the subject is under 18 and this force excludes children from RCRP, but the decision is '${d.decision}'`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: 'supervisor',
  });
}
