/**
 * What the API shows of an incident. Built from the aggregate, so it is exactly what the machines
 * know. Person keys and identifiers are never part of it.
 */
import { z } from '@hono/zod-openapi';
import { attendanceOutcome, CHANNELS, RCRP_DECISIONS, type IncidentContext } from '../../machines/incident/index.js';
import {
  referralDeadlines,
  referralStatus,
  WHO_WILL_ATTEND,
  type ReferralContext,
} from '../../machines/referral/index.js';
import { LEGAL_STATUS_CODES, type LegalStatusCode } from '../../machines/legal-status.js';
import { ACTIVITIES, type ResourceContext } from '../../machines/resource/index.js';
import { AGE_BANDS, ETHNICITIES, ETHNICITY_BASES, GENDERS } from '../../machines/subject.js';
import {
  detentionAllowedEvents,
  type DetentionContext,
  type DetentionSnapshot,
} from '../../machines/detention/index.js';
import { allowedEvents, childStateName, stateName, type AggregateState } from './incident-aggregate.js';
import {
  commandEventType,
  detentionState,
  incidentState,
  instantOut as instant,
  power,
  referralState,
  referralStatus as referralStatusSchema,
  severity,
} from './vocabulary.js';

export const flagSchema = z
  .object({
    key: z.string(),
    rule: z.string(),
    severity,
    message: z.string(),
    raisedAt: instant,
  })
  .openapi('Flag');

const personSchema = z.object({ name: z.string(), rank: z.string() });
export const referralViewSchema = z
  .object({
    id: z.string(),
    agency: z.string(),
    agencyLabel: z.string(),
    contactMethod: z.string(),
    delivery: z.enum(['email', 'message', 'conversation']),
    namedContact: z.string(),
    status: referralStatusSchema.openapi({ description: 'R11 acceptance status' }),
    state: referralState,
    madeAt: instant,
    sentAt: instant.nullable(),
    acknowledgedAt: instant.nullable(),
    answeredAt: instant.nullable(),
    answeredVia: z
      .string()
      .nullable()
      .openapi({ description: "'partner' when the agency answered through the response link" }),
    respondent: z.string().nullable(),
    reason: z.string().nullable(),
    agencyReference: z.string().nullable(),
    deadlines: z
      .array(z.object({ key: z.string(), dueAt: instant }))
      .openapi({ description: 'Clocks running now (acknowledgement, answer, escalation level)' }),
    escalations: z.array(
      z.object({
        level: z.number().int(),
        label: z.string(),
        reason: z.string(),
        openedAt: instant,
        openedBy: z.string(),
        escalatedBy: personSchema.nullable(),
        partnerContact: z.string().nullable(),
        closedAt: instant.nullable(),
        outcome: z.string().nullable(),
      }),
    ),
    resolution: z.object({ outcome: z.string(), at: instant, by: personSchema }).nullable(),
    callerInformed: z.array(z.object({ at: instant, whoWillAttend: z.enum(WHO_WILL_ATTEND), method: z.string() })),
    withdrawn: z.object({ at: instant, reason: z.string() }).nullable(),
    flags: z.array(flagSchema),
  })
  .openapi('Referral');

export const incidentViewSchema = z
  .object({
    id: z.string(),
    reference: z.string().nullable(),
    version: z
      .number()
      .int()
      .openapi({
        description:
          'The version people see: send it as If-Match. Advanced by what people and partners record, not by ' +
          "the system's own events (deadlines, emails sent)",
      }),
    seq: z.number().int().openapi({ description: "The seq of the incident's last event (the event log's order)" }),
    state: incidentState,
    status: z.enum(['open', 'closed']),
    allowedEvents: z.array(commandEventType),
    channel: z.enum(CHANNELS),
    category: z.string(),
    district: z.string().nullable(),
    locationClass: z.enum(['urban', 'rural']).nullable(),
    receivedAt: instant,
    closedAt: instant.nullable(),
    closureCode: z.string().nullable(),
    mhFlagAtCall: z.boolean(),
    mhFlagAtClose: z.boolean().nullable(),
    rcrpInScope: z.boolean(),
    subject: z
      .object({
        ageYears: z.number().int().nullable(),
        ageBand: z.enum(AGE_BANDS),
        gender: z.enum(GENDERS),
        ethnicity: z.enum(ETHNICITIES),
        ethnicityBasis: z.enum(ETHNICITY_BASES),
        legalStatus: z.enum(LEGAL_STATUS_CODES as [LegalStatusCode, ...LegalStatusCode[]]).nullable(),
      })
      .nullable(),
    thrive: z
      .object({
        version: z.number().int(),
        occurredAt: instant,
        assessorId: z.string(),
        safetyNet: z.string().nullable(),
        reassessmentOf: z.object({ fromSeq: z.number().int(), toSeq: z.number().int() }).nullable(),
      })
      .nullable(),
    reassessmentRequired: z
      .object({ sinceEvent: z.number().int(), lastTrigger: z.string(), lastTriggerAt: instant })
      .nullable(),
    grade: z.object({ code: z.string(), label: z.string(), setAt: instant }).nullable(),
    rcrpDecision: z
      .object({
        decision: z.enum(RCRP_DECISIONS),
        decidedAt: instant,
        crimeOccurring: z.boolean().nullable(),
        riskToLife: z.boolean().nullable(),
        riskOfSeriousHarm: z.boolean().nullable(),
        overridden: z.boolean(),
      })
      .nullable(),
    firstDispatchedAt: instant.nullable(),
    resourcesDispatched: z.number().int(),
    referrals: z.array(referralViewSchema),
    detentions: z
      .array(
        z.object({
          id: z.string(),
          power,
          state: detentionState,
          allowedEvents: z.array(commandEventType),
          detainedAt: instant.nullable(),
          clockStart: instant.nullable(),
          expiresAt: instant.nullable(),
          lapsed: z.boolean(),
          outcome: z.string().nullable(),
        }),
      )
      .openapi({
        description: 'MHA s.136/s.135 detentions on this incident; full legal timeline at GET /api/detentions/{id}',
      }),
    firstArrivedAt: instant.nullable(),
    attendance: z
      .object({
        targetMinutes: z.number().int(),
        startEvent: z.enum(['callReceived', 'dispatched']),
        startAt: instant,
        dueAt: instant,
        status: z.enum(['met', 'breached', 'awaiting', 'notAttended']),
        minutesToArrival: z.number().int().nullable(),
      })
      .nullable()
      .openapi({
        description:
          "R4/R5: the grade's attendance target for the incident's location class, from call or dispatch. " +
          'met/breached by the first arrival; breached also when closed after dueAt with police needed and none ' +
          'arrived; awaiting while open with no arrival (compare dueAt with now). Null when the grade has no ' +
          'target or its clock has not started.',
      }),
    resources: z.array(
      z.object({
        assignmentId: z.string(),
        callSign: z.string(),
        officers: z.number().int(),
        type: z.string(),
        status: z.enum(['dispatched', 'arrived', 'cleared']),
        dispatchedAt: instant,
        arrivedAt: instant.nullable(),
        clearedAt: instant.nullable(),
        segments: z.array(z.object({ activity: z.enum(ACTIVITIES), startAt: instant, endAt: instant })),
        officerHours: z
          .number()
          .nullable()
          .openapi({ description: 'Derived: (clearedAt − dispatchedAt) × officers, in hours; null until cleared' }),
      }),
    ),
    callHandling: z.array(z.object({ answeredAt: instant, endedAt: instant })),
    imported: z
      .boolean()
      .openapi({ description: 'A closed historic incident imported from a command-and-control extract' }),
    repeatContactOf: z.array(z.string()).openapi({
      description: 'Earlier incidents about the same person with a no-deploy decision inside the window (R15)',
    }),
    flags: z.array(flagSchema),
    createdAt: instant,
    updatedAt: instant,
  })
  .openapi('Incident');

export type IncidentView = z.infer<typeof incidentViewSchema>;
export type ReferralView = z.infer<typeof referralViewSchema>;

export function referralView(id: string, state: string, rc: ReferralContext): ReferralView {
  return {
    id,
    agency: rc.agency,
    agencyLabel: rc.route.agencyLabel || rc.agency,
    contactMethod: rc.contactMethod,
    delivery: rc.route.delivery,
    namedContact: rc.namedContact,
    status: referralStatus(rc),
    state,
    madeAt: rc.madeAt,
    sentAt: rc.sentAt,
    acknowledgedAt: rc.acknowledgedAt,
    answeredAt: rc.answeredAt,
    answeredVia: rc.answeredVia,
    respondent: rc.respondent,
    reason: rc.reason,
    agencyReference: rc.agencyReference,
    deadlines: referralDeadlines(state, rc)
      .filter((d) => !d.fired)
      .map((d) => ({ key: d.key, dueAt: d.dueAt })),
    escalations: rc.escalations.map((e) => ({
      level: e.level,
      label: e.label,
      reason: e.reason,
      openedAt: e.openedAt,
      openedBy: e.openedBy,
      escalatedBy: e.escalatedBy,
      partnerContact: e.partnerContact,
      closedAt: e.closedAt,
      outcome: e.outcome,
    })),
    resolution: rc.resolution ? { outcome: rc.resolution.outcome, at: rc.resolution.at, by: rc.resolution.by } : null,
    callerInformed: rc.callerInformed.map((x) => ({ at: x.at, whoWillAttend: x.whoWillAttend, method: x.method })),
    withdrawn: rc.withdrawn ? { at: rc.withdrawn.at, reason: rc.withdrawn.reason } : null,
    flags: rc.flags.map(({ key, rule, severity, message, raisedAt }) => ({ key, rule, severity, message, raisedAt })),
  };
}

function attendanceView(c: IncidentContext): IncidentView['attendance'] {
  const a = attendanceOutcome(c);
  return (
    a && {
      targetMinutes: a.minutes,
      startEvent: a.startEvent,
      startAt: a.startAt,
      dueAt: a.dueAt,
      status: a.status,
      minutesToArrival: a.minutesToArrival,
    }
  );
}

export function incidentView(s: AggregateState): IncidentView {
  const c = s.incident.context;
  const state = stateName(s);
  return {
    id: c.incidentId,
    reference: c.reference,
    version: s.personVersion,
    seq: s.version,
    state,
    status: state === 'closed' ? ('closed' as const) : ('open' as const),
    allowedEvents: allowedEvents(s),
    channel: c.channel,
    category: c.category,
    district: c.district,
    locationClass: c.locationClass,
    receivedAt: c.receivedAt,
    closedAt: c.closedAt,
    closureCode: c.closureCode,
    mhFlagAtCall: c.mhFlagAtCall,
    mhFlagAtClose: c.mhFlagAtClose,
    rcrpInScope: c.policy.rcrpCategory,
    subject: c.subject
      ? {
          ageYears: c.subject.ageYears,
          ageBand: c.subject.ageBand,
          gender: c.subject.gender,
          ethnicity: c.subject.ethnicity,
          ethnicityBasis: c.subject.ethnicityBasis,
          legalStatus: c.subject.legalStatus ?? null,
        }
      : null,
    thrive: c.thrive
      ? {
          version: c.thrive.version,
          occurredAt: c.thrive.occurredAt,
          assessorId: c.thrive.assessorId,
          safetyNet: c.thrive.safetyNet,
          reassessmentOf: c.thrive.reassessmentOf,
        }
      : null,
    reassessmentRequired: c.pendingReassessment
      ? {
          sinceEvent: c.pendingReassessment.fromSeq,
          lastTrigger: c.pendingReassessment.lastType,
          lastTriggerAt: c.pendingReassessment.lastOccurredAt,
        }
      : null,
    grade: c.grade ? { code: c.grade.code, label: c.grade.policy.label, setAt: c.grade.occurredAt } : null,
    rcrpDecision: c.decision
      ? {
          decision: c.decision.decision,
          decidedAt: c.decision.occurredAt,
          crimeOccurring: c.decision.crimeOccurring,
          riskToLife: c.decision.riskToLife,
          riskOfSeriousHarm: c.decision.riskOfSeriousHarm,
          overridden: c.decision.overridden,
        }
      : null,
    firstDispatchedAt: c.firstDispatchedAt,
    resourcesDispatched: c.resourcesDispatched,
    firstArrivedAt: c.firstArrivedAt ?? null,
    attendance: attendanceView(c),
    resources: Object.entries(s.children.resource ?? {}).map(([assignmentId, r]) => {
      const rc = r.context as ResourceContext;
      const officerHours = rc.clearedAt
        ? Math.round(((Date.parse(rc.clearedAt) - Date.parse(rc.dispatchedAt)) / 3_600_000) * rc.officers * 100) / 100
        : null;
      return {
        assignmentId,
        callSign: rc.callSign,
        officers: rc.officers,
        type: rc.resourceType,
        status: childStateName(r) as 'dispatched' | 'arrived' | 'cleared',
        dispatchedAt: rc.dispatchedAt,
        arrivedAt: rc.arrivedAt,
        clearedAt: rc.clearedAt,
        segments: rc.segments,
        officerHours,
      };
    }),
    callHandling: c.callHandling ?? [],
    imported: c.imported ?? false,
    referrals: Object.entries(s.children.referral).map(([id, r]) => {
      const view = referralView(id, childStateName(r), r.context as ReferralContext);
      return state === 'closed' ? { ...view, deadlines: [] } : view; // a closed incident watches no clocks
    }),
    detentions: Object.entries(s.children.detention).map(([id, d]) => {
      const dc = d.context as DetentionContext;
      return {
        id,
        power: dc.power,
        state: childStateName(d),
        allowedEvents:
          childStateName(d) === 'closed' || state === 'closed' ? [] : detentionAllowedEvents(d as DetentionSnapshot),
        detainedAt: dc.detainedAt,
        clockStart: dc.clockStart,
        expiresAt: dc.expiresAt,
        lapsed: dc.lapsedAt !== null,
        outcome: dc.outcome?.code ?? null,
      };
    }),
    repeatContactOf: c.repeatContactOf,
    flags: c.flags.map(({ key, rule, severity, message, raisedAt }) => ({ key, rule, severity, message, raisedAt })),
    createdAt: c.createdAt,
    updatedAt: s.updatedAt,
  };
}
