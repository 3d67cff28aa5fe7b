/**
 * The incident lifecycle: call → THRIVE → grade → RCRP decision → response → close.
 *
 * Pure: (snapshot, event) → next snapshot. Every rule this machine enforces is a check function
 * below, used both as the XState guard and, when a command is refused, to tell the caller which
 * rule failed. Anything that depends on force configuration arrives already resolved inside the
 * event (`policy`, `gradePolicy`), so replaying the log never depends on today's configuration.
 */
import { assign, setup, type SnapshotFrom } from 'xstate';
import {
  addMinutes,
  isBlank,
  laterInstant,
  type DeadlineSpec,
  type EventMeta,
  type Flag,
  type Violation,
} from './types.js';
import { isChild, type PriorContact, type Subject } from './subject.js';
import { isSupervisoryRank, type Rank } from './ranks.js';
import { canBeAwol, LEGAL_STATUSES } from './legal-status.js';
import { defaultAssignmentId, type ResourceSpec, type Segment } from './resource.machine.js';

export const INCIDENT_MACHINE_VERSION = 'incident@1';

export const CHANNELS = ['999', '101', 'online', 'partnerAgency'] as const;
export type Channel = (typeof CHANNELS)[number];
export const RCRP_DECISIONS = ['deploy', 'jointResponse', 'handover', 'adviceOnly'] as const;
export type RcrpDecision = (typeof RCRP_DECISIONS)[number];
export const THRIVE_DIMENSIONS = ['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'] as const;
export type ThriveDimension = (typeof THRIVE_DIMENSIONS)[number];
export const REFERRAL_ANSWERS = ['accepted', 'declined', 'noResponse'] as const;
export type ReferralAnswer = (typeof REFERRAL_ANSWERS)[number];

const NO_DEPLOY: readonly RcrpDecision[] = ['handover', 'adviceOnly'];

/** Force policy in effect when the incident was created (stamped into INCIDENT_CREATED). */
export interface IncidentPolicy {
  rcrpCategory: boolean;
  childrenExcludedFromRcrp: boolean;
  childExclusionAction: 'flag' | 'requireDeploy';
  repeatContactWindowHours: number;
  futureToleranceSeconds: number;
  /** R14: the category is for patients liable to be detained (AWOL); absent in events before issue 4. */
  requiresDetainedLegalStatus?: boolean;
  /** The force's time zone (local calendar days and months in reports); absent in older events. */
  timeZone?: string;
}

/** The configured grade in effect when it was set (stamped into GRADE_SET). */
export interface GradePolicy {
  label: string;
  requiresDeployment: boolean;
  /** True when the force's attendance targets differ for urban and rural locations (R5). */
  targetSplit: boolean;
  /** R4/R5: the grade's attendance target (absent in events recorded before R5 was built: no target). */
  attendanceTarget?: AttendanceTarget | null;
  unresourcedAlertAfterMinutes: number | null;
  unresourcedNotify: string | null;
}

export interface AttendanceTarget {
  /** R4: whether the clock runs from call receipt or from the first dispatch. */
  startEvent: 'callReceived' | 'dispatched';
  /** One target, or (R5) one each for urban and rural locations. */
  minutes: number | null;
  urbanMinutes: number | null;
  ruralMinutes: number | null;
}

export interface ThriveNotes {
  threat: string;
  harm: string;
  risk: string;
  investigation: string;
  vulnerability: string;
  engagement: string;
}

export interface RcrpOverride {
  name: string;
  rank: Rank;
  reason: string;
}

/** A resource as POLICE_DISPATCHED carries it (assignmentId is always set by the shell; older events may lack it). */
export interface Resource {
  assignmentId?: string;
  callSign: string;
  officers: number;
  type: string;
}

/** One historic assignment inside INCIDENT_IMPORTED (the resource machine checks R38/R39 on it). */
export interface ImportedResource extends ResourceSpec {
  dispatchedAt: string;
  arrivedAt: string | null;
  clearedAt: string;
  segments: Segment[];
}

/** One referral inside INCIDENT_IMPORTED (the referral machine checks its times). */
export interface ImportedReferral {
  referralId: string;
  agency: string;
  madeAt: string;
  answer: ReferralAnswer | null;
  answeredAt: string | null;
}

/** One telephone call handled by the control room about this incident: answered → ended. */
export interface CallHandling {
  answeredAt: string;
  endedAt: string;
}

export type IncidentEvent = EventMeta &
  (
    | {
        type: 'INCIDENT_CREATED';
        incidentId: string;
        reference: string | null;
        channel: Channel;
        category: string;
        district: string | null;
        locationClass: 'urban' | 'rural' | null;
        mhFlagAtCall: boolean;
        summary: string | null;
        location: string | null;
        subject: Subject | null;
        priorContacts: PriorContact[];
        policy: IncidentPolicy;
      }
    | { type: 'SUBJECT_RECORDED'; subject: Subject; priorContacts: PriorContact[] }
    | ({ type: 'THRIVE_RECORDED'; rationale: string; safetyNet: string | null } & ThriveNotes)
    | { type: 'GRADE_SET'; grade: string; reason: string | null; gradePolicy: GradePolicy }
    | {
        type: 'RCRP_DECISION_RECORDED';
        crimeOccurring: boolean;
        riskToLife: boolean;
        riskOfSeriousHarm: boolean;
        decision: RcrpDecision;
        rationale: string;
        override: RcrpOverride | null;
      }
    | { type: 'POLICE_DISPATCHED'; resources: Resource[] }
    /** The control room's handling of one call about the incident (occurredAt = when the call ended). */
    | { type: 'CALL_HANDLING_RECORDED'; answeredAt: string }
    /**
     * A closed historic incident from a command-and-control extract, as one event (occurredAt = when
     * the call was received). Its resources become resource child machines, already cleared.
     */
    | {
        type: 'INCIDENT_IMPORTED';
        incidentId: string;
        reference: string;
        channel: Channel;
        category: string;
        grade: string | null;
        gradePolicy: GradePolicy | null;
        district: string | null;
        locationClass: 'urban' | 'rural' | null;
        mhFlagAtCall: boolean;
        /** Blank in many extracts: kept as unknown (reported as a data-quality note, not guessed). */
        mhFlagAtClose: boolean | null;
        rcrpDecision: RcrpDecision | null;
        closureCode: string | null;
        closedAt: string;
        /** The subject when the extract has a person reference (pseudonymous keys only). */
        subject: Subject | null;
        callHandling: CallHandling[];
        resources: ImportedResource[];
        referrals: ImportedReferral[];
        policy: IncidentPolicy;
        source: { file: string; line: number };
      }
    | {
        type: 'REFERRAL_MADE';
        referralId: string;
        agency: string;
        contactMethod: string;
        namedContact: string;
        agencyReference: string | null;
      }
    /** Derived by the aggregate (never stored): a child machine's status changed because of the stored event. */
    | { type: 'CHILD_STATUS_CHANGED'; kind: string; childId: string; status: string; cause: string }
    | { type: 'ADVICE_GIVEN'; summary: string }
    | { type: 'RESOLVED_WITHOUT_DEPLOYMENT'; resolution: string; note: string | null }
    | { type: 'NEW_INFORMATION'; summary: string; source: string }
    | { type: 'INCIDENT_CLOSED'; mhFlagAtClose: boolean | null; closureCode: string; note: string | null }
    | { type: 'DEADLINE_REACHED'; deadlineKey: string }
  );

export type IncidentEventType = IncidentEvent['type'];
type EventOf<T extends IncidentEventType> = Extract<IncidentEvent, { type: T }>;

/** Events only the system itself raises; never offered to users as allowed events. */
export const SYSTEM_EVENT_TYPES: readonly IncidentEventType[] = [
  'INCIDENT_CREATED',
  'INCIDENT_IMPORTED',
  'DEADLINE_REACHED',
  'CHILD_STATUS_CHANGED',
];

interface Trigger {
  fromSeq: number;
  toSeq: number;
  /** The stored event type that changed the circumstances. */
  lastType: string;
  lastOccurredAt: string;
}

export interface IncidentContext {
  incidentId: string;
  reference: string | null;
  channel: Channel;
  category: string;
  district: string | null;
  locationClass: 'urban' | 'rural' | null;
  receivedAt: string;
  createdAt: string;
  mhFlagAtCall: boolean;
  mhFlagAtClose: boolean | null;
  closedAt: string | null;
  closureCode: string | null;
  policy: IncidentPolicy;
  subject: Subject | null;
  thrive: {
    version: number;
    seq: number;
    occurredAt: string;
    assessorId: string;
    safetyNet: string | null;
    reassessmentOf: { fromSeq: number; toSeq: number } | null;
  } | null;
  grade: { code: string; seq: number; occurredAt: string; policy: GradePolicy } | null;
  decision: {
    decision: RcrpDecision;
    seq: number;
    occurredAt: string;
    /** null only for imported history, whose extracts carry the decision without the answers. */
    crimeOccurring: boolean | null;
    riskToLife: boolean | null;
    riskOfSeriousHarm: boolean | null;
    overridden: boolean;
  } | null;
  /** Set by a change of circumstances; cleared by the next THRIVE (R2). */
  pendingReassessment: Trigger | null;
  firstDispatchedAt: string | null;
  resourcesDispatched: number;
  /** What the incident knows of each resource assignment (the resource machine owns the times, R38/R39). */
  resources: Record<string, { callSign: string; officers: number; status: string }>;
  firstArrivedAt: string | null;
  /** R5: the grade in effect when the first arrival was recorded (its target is the one that counts); absent before R5.
   * */
  arrivalGrade?: IncidentContext['grade'];
  /** Control-room handling of each call about the incident. */
  callHandling: CallHandling[];
  /** True for a historic incident from a command-and-control extract. */
  imported: boolean;
  /** What the incident knows of each referral (the referral machine owns the detail). */
  referrals: Record<string, { agency: string; status: string; statusSeq: number; madeAt: string }>;
  /** First moment police were decided against or not sent (R15's "no-deploy decision"); never cleared. */
  noDeployAt: string | null;
  /** Advice given or resolved without deployment (an outcome, unlike the RCRP decision). */
  resolvedWithoutPolice: boolean;
  repeatContactOf: string[];
  flags: Flag[];
  firedDeadlines: string[];
  lastOccurredAt: string;
}

// ---------------------------------------------------------------------------------------------
// Rule checks. Each returns the violation that forbids the event, or null. `pre` checks depend on
// the context only (used to list allowed events); `check` adds the payload.
// ---------------------------------------------------------------------------------------------

const v = (rule: string | null, code: string, message: string): Violation => ({ rule, code, message });

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

function unresolvedReferrals(ctx: IncidentContext) {
  return Object.entries(ctx.referrals).filter(([, r]) => r.status === 'pending' || r.status === 'noResponse');
}

/** R14: an AWOL category needs a subject whose legal status lets them be AWOL (s.18). */
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

const pre: { [K in IncidentEventType]?: (ctx: IncidentContext) => Violation | null } = {
  GRADE_SET(ctx) {
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
  RCRP_DECISION_RECORDED(ctx) {
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
  POLICE_DISPATCHED: (ctx) => decisionPermits(ctx, 'dispatching police', ['deploy', 'jointResponse']),
  CALL_HANDLING_RECORDED: () => null,
  REFERRAL_MADE: (ctx) =>
    decisionPermits(ctx, 'a referral to a partner agency', ['handover', 'jointResponse', 'deploy']),
  ADVICE_GIVEN: (ctx) => decisionPermits(ctx, 'closing the contact with advice only', ['adviceOnly']),
  RESOLVED_WITHOUT_DEPLOYMENT(ctx) {
    if (ctx.firstDispatchedAt)
      return v(
        null,
        'ALREADY_DEPLOYED',
        'police have been dispatched; this incident cannot be resolved without deployment',
      );
    return decisionPermits(ctx, 'resolution without deployment', ['adviceOnly', 'handover']);
  },
  INCIDENT_CLOSED(ctx) {
    const pending = reassessmentPending(ctx, 'closure');
    if (pending) return pending;
    const assigned = Object.entries(ctx.resources ?? {}).filter(([, r]) => r.status !== 'cleared');
    if (assigned.length > 0) {
      const list = assigned.map(([id, r]) => `${r.callSign} (${id})`).join(', ');
      return v(
        'R38',
        'RESOURCES_NOT_CLEARED',
        `resource ${list} is still assigned: record RESOURCE_CLEARED with its activity segments before closing`,
      );
    }
    const open = unresolvedReferrals(ctx);
    if (open.length > 0) {
      const latest = Math.max(...open.map(([, r]) => r.statusSeq));
      const safetyNet = ctx.thrive?.safetyNet && ctx.thrive.seq > latest;
      if (!safetyNet) {
        const list = open.map(([id, r]) => `${id} (${r.agency}: ${r.status})`).join(', ');
        return v(
          'R12',
          'REFERRAL_UNRESOLVED',
          `referral ${list} has no answer; record a re-THRIVE with a safety-net decision before closing`,
        );
      }
    }
    return null;
  },
  DEADLINE_REACHED: () => null,
};

/** R7 for the times an imported incident carries besides occurredAt (call received). */
function importedTimes(e: EventOf<'INCIDENT_IMPORTED'>): Violation | null {
  const latest = new Date(Date.parse(e.recordedAt) + e.policy.futureToleranceSeconds * 1000).toISOString();
  if (e.closedAt < e.occurredAt)
    return v('R7', 'TIME_BEFORE_START', `closedAt ${e.closedAt} is before the call was received (${e.occurredAt})`);
  if (e.closedAt > latest) return v('R7', 'TIME_IN_FUTURE', `closedAt ${e.closedAt} is in the future`);
  for (const c of e.callHandling) {
    if (c.answeredAt < e.occurredAt)
      return v('R7', 'TIME_BEFORE_START', `call answered ${c.answeredAt} before it was received (${e.occurredAt})`);
    if (c.endedAt < c.answeredAt)
      return v('R7', 'TIME_BEFORE_START', `call ended ${c.endedAt} before it was answered (${c.answeredAt})`);
  }
  for (const r of e.resources) {
    if (r.dispatchedAt < e.occurredAt)
      return v(
        'R7',
        'TIME_BEFORE_START',
        `${r.callSign} dispatched ${r.dispatchedAt} before the call was received (${e.occurredAt})`,
      );
    if (r.clearedAt > latest) return v('R7', 'TIME_IN_FUTURE', `${r.callSign} cleared ${r.clearedAt} is in the future`);
  }
  for (const r of e.referrals ?? []) {
    if (r.madeAt < e.occurredAt)
      return v(
        'R7',
        'TIME_BEFORE_START',
        `the referral to ${r.agency} was made (${r.madeAt}) before the call was received (${e.occurredAt})`,
      );
  }
  // R39 across assignments: the same call sign's historic assignments must not overlap in time.
  const byCallSign = new Map<string, ImportedResource[]>();
  for (const r of e.resources) byCallSign.set(r.callSign, [...(byCallSign.get(r.callSign) ?? []), r]);
  for (const [callSign, rs] of byCallSign) {
    const sorted = [...rs].sort((a, b) => (a.dispatchedAt < b.dispatchedAt ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.dispatchedAt < sorted[i - 1]!.clearedAt) {
        return v(
          'R39',
          'RESOURCE_ALREADY_ASSIGNED',
          `${callSign} has two assignments on this incident that overlap in time; its time cannot be counted twice`,
        );
      }
    }
  }
  return null;
}

/** R39 across assignments: one call sign is never on two open assignments of one incident at once. */
function sameResourceTwice(
  current: IncidentContext['resources'],
  adding: ReadonlyArray<{ callSign: string }>,
): Violation | null {
  const busy = new Set(
    Object.values(current ?? {})
      .filter((r) => r.status !== 'cleared')
      .map((r) => r.callSign),
  );
  const seen = new Set<string>();
  for (const r of adding) {
    if (busy.has(r.callSign) || seen.has(r.callSign)) {
      return v(
        'R39',
        'RESOURCE_ALREADY_ASSIGNED',
        `${r.callSign} is already assigned to this incident and not cleared; its time cannot be counted twice`,
      );
    }
    seen.add(r.callSign);
  }
  return null;
}

const check: { [K in IncidentEventType]: (ctx: IncidentContext, e: EventOf<K>) => Violation | null } = {
  INCIDENT_CREATED: (_ctx, e) => awolStatusViolation(e.policy.requiresDetainedLegalStatus, e.category, e.subject),
  INCIDENT_IMPORTED: (_ctx, e) => importedTimes(e),
  CALL_HANDLING_RECORDED(ctx, e) {
    if (e.answeredAt < ctx.receivedAt)
      return v(
        'R7',
        'TIME_BEFORE_START',
        `the call was answered (${e.answeredAt}) before it was received (${ctx.receivedAt})`,
      );
    if (e.occurredAt < e.answeredAt)
      return v('R7', 'TIME_BEFORE_START', `the call ended (${e.occurredAt}) before it was answered (${e.answeredAt})`);
    return null;
  },
  SUBJECT_RECORDED: (ctx, e) => awolStatusViolation(ctx.policy.requiresDetainedLegalStatus, ctx.category, e.subject),
  THRIVE_RECORDED(ctx, e) {
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
  GRADE_SET(ctx, e) {
    const p = pre.GRADE_SET!(ctx);
    if (p) return p;
    if (e.gradePolicy.targetSplit && ctx.locationClass === null) {
      return v(
        'R5',
        'LOCATION_CLASS_REQUIRED',
        `grade ${e.grade} has separate urban and rural targets: the incident needs a location class (urban/rural)`,
      );
    }
    return null;
  },
  RCRP_DECISION_RECORDED(ctx, e) {
    const p = pre.RCRP_DECISION_RECORDED!(ctx);
    if (p) return p;
    if (isBlank(e.rationale)) return v('R8', 'RCRP_RATIONALE_REQUIRED', 'the RCRP decision needs a rationale');
    const thresholdMet = e.crimeOccurring || e.riskToLife || e.riskOfSeriousHarm;
    if (NO_DEPLOY.includes(e.decision) && thresholdMet) {
      const o = e.override;
      if (!o) {
        return v(
          'R9',
          'RCRP_THRESHOLD_MET',
          `'${e.decision}' is not allowed when a crime is occurring or there is a real and immediate risk to life or ` +
            `of serious harm, unless a supervisor override (name, rank, reason) is recorded`,
        );
      }
      if (isBlank(o.name) || isBlank(o.reason))
        return v('R9', 'OVERRIDE_INCOMPLETE', 'a supervisor override needs a name and a reason');
      if (!isSupervisoryRank(o.rank))
        return v(
          'R9',
          'OVERRIDE_RANK',
          `an override must be made by a supervisor (sergeant or above, or a control-room supervisor), not '${o.rank}'`,
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
  POLICE_DISPATCHED: (ctx, e) => pre.POLICE_DISPATCHED!(ctx) ?? sameResourceTwice(ctx.resources, e.resources),
  REFERRAL_MADE(ctx, e) {
    const p = pre.REFERRAL_MADE!(ctx);
    if (p) return p;
    if (ctx.referrals[e.referralId])
      return v(null, 'DUPLICATE_REFERRAL_ID', `referral ${e.referralId} already exists on this incident`);
    return null;
  },
  ADVICE_GIVEN: (ctx) => pre.ADVICE_GIVEN!(ctx),
  RESOLVED_WITHOUT_DEPLOYMENT: (ctx) => pre.RESOLVED_WITHOUT_DEPLOYMENT!(ctx),
  NEW_INFORMATION: () => null,
  CHILD_STATUS_CHANGED: () => null,
  INCIDENT_CLOSED(ctx, e) {
    const p = pre.INCIDENT_CLOSED!(ctx);
    if (p) return p;
    if (e.mhFlagAtClose === null || e.mhFlagAtClose === undefined) {
      return v(
        'R40',
        'MH_FLAG_AT_CLOSE_REQUIRED',
        'closure needs mhFlagAtClose (true/false): was this a mental-health-related incident (NPCC 2019 definition)?',
      );
    }
    if (e.occurredAt < ctx.lastOccurredAt) {
      return v(
        'R7',
        'TIME_BEFORE_START',
        `closure (${e.occurredAt}) cannot be before the last recorded step (${ctx.lastOccurredAt})`,
      );
    }
    return null;
  },
  DEADLINE_REACHED(ctx, e) {
    const live =
      incidentDeadlines(ctx).some((d) => d.key === e.deadlineKey) && !ctx.firedDeadlines.includes(e.deadlineKey);
    return live ? null : v(null, 'DEADLINE_NOT_LIVE', `deadline ${e.deadlineKey} no longer applies`);
  },
};

/** Why `e` would be refused by the rules (not by the state), or null if it would be accepted. */
export function incidentRuleViolation(ctx: IncidentContext, e: IncidentEvent): Violation | null {
  return (check[e.type] as (c: IncidentContext, ev: IncidentEvent) => Violation | null)(ctx, e);
}

// ---------------------------------------------------------------------------------------------
// Deadlines (rows the scheduler sweeps) and flags.
// ---------------------------------------------------------------------------------------------

/** Police are needed now: the current decision says so, or, with no decision, nobody resolved it otherwise. */
function needsPolice(ctx: IncidentContext): boolean {
  if (ctx.decision) return !NO_DEPLOY.includes(ctx.decision.decision);
  return !ctx.resolvedWithoutPolice;
}

/** R6: an incident that needs police and has none gets a clock per grade. */
export function incidentDeadlines(ctx: IncidentContext): DeadlineSpec[] {
  const g = ctx.grade;
  if (!g || ctx.closedAt || g.policy.unresourcedAlertAfterMinutes === null || !g.policy.requiresDeployment) return [];
  if (ctx.firstDispatchedAt || !needsPolice(ctx)) return [];
  return [
    {
      key: `R6:unresourced:${g.seq}`,
      rule: 'R6',
      kind: 'unresourced',
      dueAt: addMinutes(g.occurredAt, g.policy.unresourcedAlertAfterMinutes),
    },
  ];
}

/**
 * R4/R5: the attendance clock of the grade in effect: its target for the incident's location
 * class, when the clock started (call received, or first dispatch) and when police are due.
 * Null when the grade has no target or its clock has not started.
 */
export function attendanceClock(
  ctx: IncidentContext,
): { minutes: number; startEvent: AttendanceTarget['startEvent']; startAt: string; dueAt: string } | null {
  // Once police have arrived, a later re-grade does not move the target they were measured against.
  const grade = (ctx.firstArrivedAt && ctx.arrivalGrade) || ctx.grade;
  const t = grade?.policy.attendanceTarget;
  if (!t) return null;
  const minutes =
    t.minutes ??
    (ctx.locationClass === 'urban' ? t.urbanMinutes : ctx.locationClass === 'rural' ? t.ruralMinutes : null);
  const startAt = t.startEvent === 'callReceived' ? ctx.receivedAt : ctx.firstDispatchedAt;
  if (minutes === null || !startAt) return null;
  return { minutes, startEvent: t.startEvent, startAt, dueAt: addMinutes(startAt, minutes) };
}

export type AttendanceStatus = 'met' | 'breached' | 'awaiting' | 'notAttended';

/**
 * R5: the incident against its attendance target. met / breached by the first police arrival;
 * breached also when closed after the due time with police needed and no arrival recorded;
 * awaiting while open with no arrival (compare dueAt with the clock); notAttended when closed
 * without an arrival that was not needed, or before the due time.
 */
export function attendanceOutcome(
  ctx: IncidentContext,
):
  | (NonNullable<ReturnType<typeof attendanceClock>> & { status: AttendanceStatus; minutesToArrival: number | null })
  | null {
  const clock = attendanceClock(ctx);
  if (!clock) return null;
  const due = Date.parse(clock.dueAt);
  if (ctx.firstArrivedAt) {
    const arrived = Date.parse(ctx.firstArrivedAt);
    return {
      ...clock,
      status: arrived > due ? 'breached' : 'met',
      minutesToArrival: Math.round((arrived - Date.parse(clock.startAt)) / 60_000),
    };
  }
  if (!ctx.closedAt) return { ...clock, status: 'awaiting', minutesToArrival: null };
  const breached = Date.parse(ctx.closedAt) > due && ctx.grade!.policy.requiresDeployment && needsPolice(ctx);
  return { ...clock, status: breached ? 'breached' : 'notAttended', minutesToArrival: null };
}

/** R5: flag a breach once it is known. Historic imports carry no flags (nothing to act on); their breaches show in the
 * view. */
function attendanceFlag(ctx: IncidentContext, e: { seq: number; occurredAt: string }): Flag[] {
  const a = attendanceOutcome(ctx);
  if (a?.status !== 'breached' || ctx.imported) return ctx.flags;
  const g = ((ctx.firstArrivedAt && ctx.arrivalGrade) || ctx.grade)!;
  const from = a.startEvent === 'callReceived' ? 'the call' : 'dispatch';
  const target =
    `the grade ${g.code} (${g.policy.label}) target is ${a.minutes} min from ` +
    `${from}${g.policy.targetSplit ? ` (${ctx.locationClass})` : ''}`;
  const message =
    a.minutesToArrival !== null
      ? `police first arrived ${a.minutesToArrival} min after ${from}: ${target}`
      : `closed with no police arrival recorded: ${target}`;
  return withFlag(ctx.flags, {
    key: 'R5:attendance',
    rule: 'R5',
    severity: 'warning',
    message,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: null,
  });
}

function withFlag(flags: Flag[], f: Flag): Flag[] {
  return flags.some((x) => x.key === f.key) ? flags : [...flags, f];
}

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

/** R15 and R10 flags that follow from who the subject is. */
function subjectFlags(
  ctx: IncidentContext,
  e: IncidentEvent,
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

function childExclusionFlag(ctx: IncidentContext, e: IncidentEvent): Flag[] {
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

function trigger(ctx: IncidentContext, e: IncidentEvent, type: string = e.type): Trigger {
  return {
    fromSeq: ctx.pendingReassessment?.fromSeq ?? e.seq,
    toSeq: e.seq,
    lastType: type,
    lastOccurredAt: e.occurredAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Reducers: how each accepted event changes the context.
// ---------------------------------------------------------------------------------------------

const reduce: { [K in IncidentEventType]: (ctx: IncidentContext, e: EventOf<K>) => IncidentContext } = {
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
    // A decline or silence means the partner is not coming: someone must look at the risk again (R12, R2).
    const notComing = e.status === 'declined' || e.status === 'noResponse';
    return { ...ctx, referrals, pendingReassessment: notComing ? trigger(ctx, e, e.cause) : ctx.pendingReassessment };
  },
  ADVICE_GIVEN: (ctx, e) => ({ ...ctx, noDeployAt: ctx.noDeployAt ?? e.occurredAt, resolvedWithoutPolice: true }),
  RESOLVED_WITHOUT_DEPLOYMENT: (ctx, e) => ({
    ...ctx,
    noDeployAt: ctx.noDeployAt ?? e.occurredAt,
    resolvedWithoutPolice: true,
  }),
  NEW_INFORMATION: (ctx, e) => ({ ...ctx, pendingReassessment: trigger(ctx, e) }),
  INCIDENT_CLOSED(ctx, e) {
    const next = { ...ctx, mhFlagAtClose: e.mhFlagAtClose, closedAt: e.occurredAt, closureCode: e.closureCode };
    return { ...next, flags: attendanceFlag(next, e) };
  },
  DEADLINE_REACHED(ctx, e) {
    const g = ctx.grade!;
    return {
      ...ctx,
      firedDeadlines: [...ctx.firedDeadlines, e.deadlineKey],
      flags: withFlag(ctx.flags, {
        key: e.deadlineKey,
        rule: 'R6',
        severity: 'warning',
        message:
          `grade ${g.code} (${g.policy.label}) incident still has no police resource ` +
          `${g.policy.unresourcedAlertAfterMinutes} min after grading`,
        raisedAt: e.occurredAt,
        seq: e.seq,
        notify: g.policy.unresourcedNotify,
      }),
    };
  },
};

function applyEvent(ctx: IncidentContext, e: IncidentEvent): IncidentContext {
  const next = (reduce[e.type] as (c: IncidentContext, ev: IncidentEvent) => IncidentContext)(ctx, e);
  return { ...next, lastOccurredAt: laterInstant(next.lastOccurredAt, e.occurredAt) };
}

// ---------------------------------------------------------------------------------------------
// The state chart.
// ---------------------------------------------------------------------------------------------

const accept = (target?: string) => ({
  guard: 'rulesAllow' as const,
  actions: 'apply' as const,
  ...(target ? { target } : {}),
});

/** Events every response state accepts: re-grading, a changed decision, more referrals, closure. */
const responding = {
  GRADE_SET: accept(),
  RCRP_DECISION_RECORDED: accept(),
  INCIDENT_CLOSED: accept('#incident.closed'),
};

export const incidentMachine = setup({
  types: {
    context: {} as IncidentContext,
    events: {} as IncidentEvent,
  },
  guards: {
    rulesAllow: ({ context, event }) => incidentRuleViolation(context, event) === null,
  },
  actions: {
    apply: assign(({ context, event }) => applyEvent(context, event)),
  },
}).createMachine({
  id: 'incident',
  initial: 'unopened',
  context: {} as IncidentContext,
  states: {
    unopened: { on: { INCIDENT_CREATED: accept('open'), INCIDENT_IMPORTED: accept('closed') } },
    open: {
      initial: 'new',
      on: {
        THRIVE_RECORDED: accept(),
        GRADE_SET: accept(),
        NEW_INFORMATION: accept(),
        SUBJECT_RECORDED: accept(),
        CALL_HANDLING_RECORDED: accept(),
        CHILD_STATUS_CHANGED: accept(),
        DEADLINE_REACHED: accept(),
      },
      states: {
        new: { on: { THRIVE_RECORDED: accept('assessed') } },
        assessed: { on: { GRADE_SET: accept('graded') } },
        graded: {
          on: {
            RCRP_DECISION_RECORDED: accept(),
            POLICE_DISPATCHED: accept('policeResponse'),
            REFERRAL_MADE: accept('partnerResponse'),
            ADVICE_GIVEN: accept('noDeployment'),
            RESOLVED_WITHOUT_DEPLOYMENT: accept('noDeployment'),
          },
        },
        policeResponse: {
          on: { ...responding, POLICE_DISPATCHED: accept(), REFERRAL_MADE: accept('jointResponse') },
        },
        partnerResponse: {
          on: {
            ...responding,
            REFERRAL_MADE: accept(),
            POLICE_DISPATCHED: accept('jointResponse'),
            ADVICE_GIVEN: accept(),
          },
        },
        jointResponse: {
          on: { ...responding, POLICE_DISPATCHED: accept(), REFERRAL_MADE: accept() },
        },
        noDeployment: {
          on: {
            ...responding,
            ADVICE_GIVEN: accept(),
            POLICE_DISPATCHED: accept('policeResponse'),
            REFERRAL_MADE: accept('partnerResponse'),
          },
        },
      },
    },
    closed: { type: 'final' },
  },
});

export type IncidentSnapshot = SnapshotFrom<typeof incidentMachine>;

/** The leaf state name a person reads ("graded", "partnerResponse", "closed"). */
export function incidentStateName(s: IncidentSnapshot): string {
  const value = s.value;
  if (typeof value === 'string') return value;
  const open = (value as { open?: string }).open;
  return open ?? 'unknown';
}

/** Event types the current state accepts, whose context preconditions hold (for `allowedEvents`). */
export function incidentAllowedEvents(s: IncidentSnapshot): IncidentEventType[] {
  const accepted = new Set<IncidentEventType>();
  for (const node of s._nodes) for (const t of node.ownEvents) accepted.add(t as IncidentEventType);
  return [...accepted]
    .filter((t) => !SYSTEM_EVENT_TYPES.includes(t))
    .filter((t) => (pre[t] ? pre[t]!(s.context) === null : true))
    .sort();
}

/** True when the state chart has a transition for this event type in the current state. */
export function incidentAccepts(s: IncidentSnapshot, type: IncidentEventType): boolean {
  return s._nodes.some((n) => n.ownEvents.includes(type));
}
