/**
 * What the API shows of an incident. Built from the aggregate, so it is exactly what the machines
 * know. Person keys and identifiers are never part of it.
 */
import { z } from '@hono/zod-openapi';
import { CHANNELS, RCRP_DECISIONS } from '../../machines/incident.machine.js';
import type { ReferralContext } from '../../machines/referral.machine.js';
import { ACTIVITIES, type ResourceContext } from '../../machines/resource.machine.js';
import { AGE_BANDS, ETHNICITIES, ETHNICITY_BASES, GENDERS } from '../../machines/subject.js';
import { allowedEvents, childStateName, stateName, type AggregateState } from './incident-aggregate.js';

const instant = z.string().openapi({ example: '2026-11-23T21:10:00.000Z' });

export const flagSchema = z
  .object({ key: z.string(), rule: z.string(), severity: z.enum(['info', 'warning', 'critical']), message: z.string(), raisedAt: instant })
  .openapi('Flag');

export const incidentViewSchema = z
  .object({
    id: z.string(),
    reference: z.string().nullable(),
    version: z.number().int(),
    state: z.string().openapi({ description: 'new, assessed, graded, policeResponse, partnerResponse, jointResponse, noDeployment, closed' }),
    status: z.enum(['open', 'closed']),
    allowedEvents: z.array(z.string()),
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
    reassessmentRequired: z.object({ sinceEvent: z.number().int(), lastTrigger: z.string(), lastTriggerAt: instant }).nullable(),
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
    firstArrivedAt: instant.nullable(),
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
        officerHours: z.number().nullable().openapi({ description: 'Derived: (clearedAt − dispatchedAt) × officers, in hours; null until cleared' }),
      }),
    ),
    callHandling: z.array(z.object({ answeredAt: instant, endedAt: instant })),
    imported: z.boolean().openapi({ description: 'A closed historic incident imported from a command-and-control extract' }),
    referrals: z.array(
      z.object({
        id: z.string(),
        agency: z.string(),
        contactMethod: z.string(),
        namedContact: z.string(),
        status: z.string(),
        madeAt: instant,
        answeredAt: instant.nullable(),
        reason: z.string().nullable(),
      }),
    ),
    repeatContactOf: z.array(z.string()).openapi({ description: 'Earlier incidents about the same person with a no-deploy decision inside the window (R15)' }),
    flags: z.array(flagSchema),
    createdAt: instant,
    updatedAt: instant,
  })
  .openapi('Incident');

export type IncidentView = z.infer<typeof incidentViewSchema>;

export function incidentView(s: AggregateState): IncidentView {
  const c = s.incident.context;
  const state = stateName(s);
  return {
    id: c.incidentId,
    reference: c.reference,
    version: s.version,
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
      ? { ageYears: c.subject.ageYears, ageBand: c.subject.ageBand, gender: c.subject.gender, ethnicity: c.subject.ethnicity, ethnicityBasis: c.subject.ethnicityBasis }
      : null,
    thrive: c.thrive
      ? { version: c.thrive.version, occurredAt: c.thrive.occurredAt, assessorId: c.thrive.assessorId, safetyNet: c.thrive.safetyNet, reassessmentOf: c.thrive.reassessmentOf }
      : null,
    reassessmentRequired: c.pendingReassessment
      ? { sinceEvent: c.pendingReassessment.fromSeq, lastTrigger: c.pendingReassessment.lastType, lastTriggerAt: c.pendingReassessment.lastOccurredAt }
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
    resources: Object.entries(s.children.resource ?? {}).map(([assignmentId, r]) => {
      const rc = r.context as ResourceContext;
      const officerHours = rc.clearedAt ? Math.round(((Date.parse(rc.clearedAt) - Date.parse(rc.dispatchedAt)) / 3_600_000) * rc.officers * 100) / 100 : null;
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
      const rc = r.context as ReferralContext;
      return { id, agency: rc.agency, contactMethod: rc.contactMethod, namedContact: rc.namedContact, status: childStateName(r), madeAt: rc.madeAt, answeredAt: rc.answeredAt, reason: rc.reason };
    }),
    repeatContactOf: c.repeatContactOf,
    flags: c.flags.map(({ key, rule, severity, message, raisedAt }) => ({ key, rule, severity, message, raisedAt })),
    createdAt: c.createdAt,
    updatedAt: s.updatedAt,
  };
}
