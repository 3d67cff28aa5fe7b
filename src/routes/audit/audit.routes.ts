/** Route declaration for GET /api/audit/handovers: the referral handover audit, as JSON or CSV. */
import { createRoute, z } from '@hono/zod-openapi';
import {
  authenticated,
  csvContent,
  headers,
  instantOut as instant,
  power,
  problemResponse,
  readHeaders,
  referralState,
  restricted,
  referralStatus,
  security,
} from '../schemas.js';

const escalationSchema = z.object({
  level: z.number().int(),
  label: z.string(),
  reason: z.string(),
  openedAt: instant,
  openedBy: z.string(),
  escalatedBy: z.string().nullable(),
  partnerContact: z.string().nullable(),
  closedAt: instant.nullable(),
  outcome: z.string().nullable(),
});

const handoverSchema = z
  .object({
    incidentId: z.string(),
    incidentReference: z.string().nullable(),
    category: z.string(),
    district: z.string().nullable(),
    rcrpDecision: z.string().nullable(),
    noDeployAt: instant.nullable(),
    referralId: z.string(),
    agency: z.string(),
    agencyLabel: z.string().nullable(),
    agencyType: z.string().nullable(),
    contactMethod: z.string(),
    delivery: z.string().nullable(),
    recipient: z.string().nullable(),
    namedContact: z.string().nullable(),
    madeBy: z.string().nullable(),
    madeAt: instant,
    sentAt: instant.nullable(),
    acknowledgedAt: instant.nullable(),
    answeredAt: instant.nullable(),
    answer: z.string().nullable(),
    answeredVia: z.string().nullable(),
    reason: z.string().nullable(),
    status: referralStatus,
    state: referralState.nullable(),
    noResponseCause: z.string().nullable(),
    minutesToSend: z
      .number()
      .nullable()
      .openapi({ description: 'Queued → accepted by the mail server (email referrals)' }),
    minutesToAcknowledge: z.number().nullable().openapi({ description: 'Reached the agency → acknowledged' }),
    minutesToAnswer: z.number().nullable().openapi({ description: 'Reached the agency → accepted or declined' }),
    breach: z.boolean().openapi({
      description:
        "The partner did not answer in the agreed time: the answer came later than the agency type's answer time " +
        '(configuration), a response clock ran out, or no response was recorded',
    }),
    escalations: z.array(escalationSchema),
    resolution: z.string().nullable(),
    resolvedAt: instant.nullable(),
    withdrawnAt: instant.nullable(),
    callerInformedAt: instant.nullable(),
    callerToldWhoWillAttend: z.string().nullable(),
    recontacts: z
      .array(z.object({ incidentId: z.string(), reference: z.string().nullable(), receivedAt: instant }))
      .openapi({
        description:
          'Later incidents about the same person within the repeat-contact window after the no-deploy decision (R15)',
      }),
  })
  .openapi('Handover');

export const handovers = createRoute({
  method: 'get',
  path: '/api/audit/handovers',
  operationId: 'getHandoverAudit',
  tags: ['Audit'],
  summary:
    'Referral handover audit: who was asked, when, what they answered, how long it took, escalations and re-contacts ' +
    '(JSON or CSV)',
  description:
    'Referrals made in [from, to) (default: the last 30 days; at most 366 days), a page at a time (limit, cursor ' +
    '→ nextCursor); the summary and the per-agency figures cover every referral matching the filters. ' +
    'format=csv (or Accept: text/csv) downloads every matching referral, one row each (not paged). Every read ' +
    'is recorded in the access log with the referrals and incidents in it (a CSV as a disclosure to the user).',
  security,
  request: {
    query: z.object({
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      agency: z.string().max(40).optional(),
      breach: z
        .enum(['true', 'false'])
        .optional()
        .openapi({ description: "'true': only referrals the partner did not answer in the agreed time" }),
      format: z.enum(['json', 'csv']).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      cursor: z.string().max(400).optional().openapi({ description: 'nextCursor of the previous page' }),
    }),
    headers: readHeaders,
  },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .object({
              from: instant,
              to: instant,
              agency: z.string().nullable(),
              windowHours: z.number(),
              summary: z.object({
                referrals: z.number().int(),
                byStatus: z
                  .partialRecord(referralStatus, z.number().int())
                  .openapi({ description: 'Referrals per status', additionalProperties: false }),
                escalated: z.number().int(),
                answeredViaLink: z.number().int(),
                callerInformed: z.number().int(),
                withRecontact: z.number().int(),
                medianMinutesToAcknowledge: z.number().nullable(),
                medianMinutesToAnswer: z.number().nullable(),
              }),
              byAgency: z
                .array(
                  z.object({
                    agency: z.string(),
                    label: z.string(),
                    referrals: z.number().int(),
                    answered: z.number().int(),
                    breaches: z.number().int(),
                    medianMinutesToAcknowledge: z.number().nullable(),
                    medianMinutesToAnswer: z.number().nullable(),
                  }),
                )
                .openapi({ description: 'Per agency, most breaches first; answer times are medians' }),
              total: z.number().int().openapi({ description: 'Referrals matching the filters' }),
              items: z.array(handoverSchema).openapi({ description: 'This page, oldest first' }),
              nextCursor: z.string().nullable(),
            })
            .openapi('HandoverAudit'),
        },
        ...csvContent,
      },
      headers: headers.download.extend(headers.noStore.shape),
      description: 'The audit',
    },
    400: problemResponse('Bad range, cursor or X-Access-Reason'),
    ...authenticated,
    ...restricted,
  },
});

export type HandoversRoute = typeof handovers;

const placeOfSafetyHandoverSchema = z
  .object({
    detentionId: z.string(),
    incidentId: z.string(),
    incidentReference: z.string().nullable(),
    power,
    stay: z.number().int().openapi({ description: '1: the first place of safety; 2 after the first transfer …' }),
    site: z.string().nullable(),
    placeType: z.string(),
    placeLabel: z.string(),
    arrivedAt: instant,
    policeInAttendance: z.boolean(),
    handoverRuleApplies: z.boolean(),
    nhsAcceptedAt: instant.nullable(),
    acceptedBy: z.string().nullable(),
    policeDepartedAt: instant.nullable(),
    minutesToAcceptance: z.number().int().nullable(),
    minutesToDeparture: z.number().int().nullable(),
    extendedStay: z.object({ reason: z.string(), nhsContact: z.string(), at: instant }).nullable(),
    status: z.enum(['waiting', 'accepted', 'completed', 'notApplicable']),
    breach: z.boolean().openapi({ description: 'R35: the detention raised its late-handover alert for this stay' }),
    breachReason: z.string().nullable(),
  })
  .openapi('PlaceOfSafetyHandover');

export const placeOfSafetyHandovers = createRoute({
  method: 'get',
  path: '/api/audit/place-of-safety-handovers',
  operationId: 'getPlaceOfSafetyHandoverAudit',
  tags: ['Audit'],
  summary: 'Handovers at places of safety (R35): arrival, NHS acceptance, police departure, breaches by site',
  description:
    'Every stay at a place of safety that began in [from, to) (default: the last 30 days; at most 366 days), a ' +
    'page at a time; bySite covers every matching stay. format=csv downloads them all. Every read is recorded ' +
    'in the access log with the detentions in it (a CSV as a disclosure to the user).',
  security,
  request: {
    query: z.object({
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      site: z.string().max(60).optional().openapi({ description: 'A configured site code or a place type' }),
      breach: z.enum(['true', 'false']).optional(),
      format: z.enum(['json', 'csv']).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      cursor: z.string().max(400).optional().openapi({ description: 'nextCursor of the previous page' }),
    }),
    headers: readHeaders,
  },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .object({
              from: instant,
              to: instant,
              handoverMinutes: z.number().int().openapi({ description: 'The expectation (force configuration)' }),
              summary: z.object({
                handovers: z.number().int().openapi({ description: 'Stays where police handed the person over' }),
                subjectToExpectation: z.number().int().openapi({
                  description: 'Of those, where the handover expectation applies (breaches are among these)',
                }),
                completed: z.number().int(),
                breaches: z.number().int(),
                medianMinutesToAcceptance: z.number().nullable(),
                medianMinutesToDeparture: z.number().nullable(),
              }),
              bySite: z.array(
                z.object({
                  site: z.string(),
                  label: z.string(),
                  expectationApplies: z.boolean(),
                  handovers: z.number().int(),
                  completed: z.number().int(),
                  breaches: z.number().int(),
                  medianMinutesToAcceptance: z.number().nullable(),
                  medianMinutesToDeparture: z.number().nullable(),
                }),
              ),
              total: z.number().int(),
              items: z.array(placeOfSafetyHandoverSchema),
              nextCursor: z.string().nullable(),
            })
            .openapi('PlaceOfSafetyHandoverAudit'),
        },
        ...csvContent,
      },
      headers: headers.download.extend(headers.noStore.shape),
      description: 'The audit',
    },
    400: problemResponse('Bad range, filter or cursor'),
    ...authenticated,
    ...restricted,
  },
});

export type PlaceOfSafetyHandoversRoute = typeof placeOfSafetyHandovers;
