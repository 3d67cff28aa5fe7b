/** Route declaration for GET /api/audit/handovers: the referral handover audit, as JSON or CSV. */
import { createRoute, z } from '@hono/zod-openapi';
import {
  authenticated,
  csvContent,
  headers,
  instantOut as instant,
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
    'Referrals made in [from, to) (default: the last 30 days; at most 366 days). format=csv (or Accept: text/csv) ' +
    'downloads one row per referral. Every read is recorded in the access log with the referrals and incidents ' +
    'in it (a CSV as a disclosure to the user).',
  security,
  request: {
    query: z.object({
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      agency: z.string().max(40).optional(),
      format: z.enum(['json', 'csv']).optional(),
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
              items: z.array(handoverSchema),
            })
            .openapi('HandoverAudit'),
        },
        ...csvContent,
      },
      headers: headers.download.extend(headers.noStore.shape),
      description: 'The audit',
    },
    400: problemResponse('Bad range or X-Access-Reason'),
    ...authenticated,
    ...restricted,
  },
});

export type HandoversRoute = typeof handovers;
