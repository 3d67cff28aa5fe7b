/**
 * The vocabulary of an incident: channels, RCRP decisions, THRIVE dimensions, the force policy
 * stamped into its events, the event union and the context. Anything that depends on force
 * configuration arrives already resolved inside an event (`policy`, `gradePolicy`), so replaying
 * the log never depends on today's configuration.
 */
import type { EventMeta, EventOf, Flag, ReferralAnswer, ReferralMade } from '../kit.js';
import type { Rank } from '../ranks.js';
import type { ResourceSpec, Segment } from '../resource/index.js';
import type { PriorContact, Subject } from '../subject.js';

export { REFERRAL_ANSWERS, type ReferralAnswer } from '../kit.js';

export const INCIDENT_MACHINE_VERSION = 'incident@1';

export const CHANNELS = ['999', '101', 'online', 'partnerAgency'] as const;
export type Channel = (typeof CHANNELS)[number];
export const RCRP_DECISIONS = ['deploy', 'jointResponse', 'handover', 'adviceOnly'] as const;
export type RcrpDecision = (typeof RCRP_DECISIONS)[number];
/** The decisions that send no police. */
export const NO_DEPLOY: readonly RcrpDecision[] = ['handover', 'adviceOnly'];
export const THRIVE_DIMENSIONS = ['threat', 'harm', 'risk', 'investigation', 'vulnerability', 'engagement'] as const;
export type ThriveDimension = (typeof THRIVE_DIMENSIONS)[number];

/** Force policy in effect when the incident was created (stamped into INCIDENT_CREATED). */
export interface IncidentPolicy {
  rcrpCategory: boolean;
  childrenExcludedFromRcrp: boolean;
  childExclusionAction: 'flag' | 'requireDeploy';
  repeatContactWindowHours: number;
  futureToleranceSeconds: number;
  /** The category is for patients liable to be detained (AWOL); absent in events before issue 4. */
  requiresDetainedLegalStatus?: boolean;
  /** The force's time zone (local calendar days and months in reports); absent in older events. */
  timeZone?: string;
  /** R1a: the grades the force marks immediate (settable before THRIVE); absent in older events: none. */
  immediateGrades?: string[];
}

/** The configured grade in effect when it was set (stamped into GRADE_SET). */
export interface GradePolicy {
  label: string;
  requiresDeployment: boolean;
  /** True when the force's attendance targets differ for urban and rural locations. */
  targetSplit: boolean;
  /** The grade's attendance target (absent in events recorded before targets were built: no target). */
  attendanceTarget?: AttendanceTarget | null;
  unresourcedAlertAfterMinutes: number | null;
  unresourcedNotify: string | null;
  /** R1a: the grade is immediate (settable before THRIVE, which is then due within the minutes); absent: not. */
  immediate?: ImmediatePolicy | null;
}

/** R1a: how soon THRIVE must follow an immediate grade set before it, and who is alerted when it does not. */
export interface ImmediatePolicy {
  thriveWithinMinutes: number;
  notify: string;
}

export interface AttendanceTarget {
  /** Whether the clock runs from call receipt or from the first dispatch. */
  startEvent: 'callReceived' | 'dispatched';
  /** One target, or one each for urban and rural locations. */
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

/** One historic assignment inside INCIDENT_IMPORTED (the resource machine checks its times). */
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
    /** R1a: an immediate grade on an obvious threat, before any THRIVE (which must follow). */
    | { type: 'IMMEDIATE_GRADE_SET'; grade: string; obviousThreat: string; gradePolicy: GradePolicy }
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
    | ReferralMade
    /** Derived by the aggregate (never stored): a child machine's status changed because of the stored event. */
    | { type: 'CHILD_STATUS_CHANGED'; kind: string; childId: string; status: string; cause: string }
    | { type: 'ADVICE_GIVEN'; summary: string }
    | { type: 'RESOLVED_WITHOUT_DEPLOYMENT'; resolution: string; note: string | null }
    | { type: 'NEW_INFORMATION'; summary: string; source: string }
    | { type: 'INCIDENT_CLOSED'; mhFlagAtClose: boolean | null; closureCode: string; note: string | null }
    | { type: 'DEADLINE_REACHED'; deadlineKey: string }
  );

export type IncidentEventType = IncidentEvent['type'];
export type IncidentEventOf<T extends IncidentEventType> = EventOf<IncidentEvent, T>;

/** Events only the system itself raises; never offered to users as allowed events. */
export const SYSTEM_EVENT_TYPES: readonly IncidentEventType[] = [
  'INCIDENT_CREATED',
  'INCIDENT_IMPORTED',
  'DEADLINE_REACHED',
  'CHILD_STATUS_CHANGED',
];

/** A change of circumstances a fresh THRIVE must answer. */
export interface Trigger {
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
  /**
   * R1a: set when an immediate grade was given before THRIVE, with when THRIVE falls due; the THRIVE
   * that follows answers it. Absent in incidents that never took the immediate path.
   */
  immediate?: { seq: number; occurredAt: string; thriveDueAt: string; policy: ImmediatePolicy };
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
  /** Set by a change of circumstances; cleared by the next THRIVE. */
  pendingReassessment: Trigger | null;
  firstDispatchedAt: string | null;
  resourcesDispatched: number;
  /** What the incident knows of each resource assignment (the resource machine owns the times). */
  resources: Record<string, { callSign: string; officers: number; status: string }>;
  firstArrivedAt: string | null;
  /** The grade in effect when the first arrival was recorded (its target is the one that counts); absent in older
   * snapshots. */
  arrivalGrade?: IncidentContext['grade'];
  /** Control-room handling of each call about the incident. */
  callHandling: CallHandling[];
  /** True for a historic incident from a command-and-control extract. */
  imported: boolean;
  /** What the incident knows of each referral (the referral machine owns the detail). */
  referrals: Record<string, { agency: string; status: string; statusSeq: number; madeAt: string }>;
  /** First moment police were decided against or not sent (the repeat-contact "no-deploy decision"); never cleared. */
  noDeployAt: string | null;
  /** Advice given or resolved without deployment (an outcome, unlike the RCRP decision). */
  resolvedWithoutPolice: boolean;
  repeatContactOf: string[];
  flags: Flag[];
  firedDeadlines: string[];
  lastOccurredAt: string;
}
