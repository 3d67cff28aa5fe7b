/**
 * Route declarations for alerts: the list (FLAG outcomes raised on incidents — R6, R10, R15 … —
 * newest first, with who acknowledged and escalated each), the unacknowledged counts every screen
 * shows, and acknowledging or escalating one alert (append-only records).
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  authenticated,
  idempotencyHeader,
  idParam,
  instantOut,
  problemResponse,
  readHeaders,
  restricted,
  security,
  severity,
  withBody,
} from '../schemas.js';

const actor = z.object({ id: z.string(), name: z.string(), role: z.string() });

const alertSchema = z
  .object({
    id: z.string(),
    incidentId: z.string(),
    incidentReference: z.string().nullable(),
    incidentStatus: z.enum(['open', 'closed']),
    rule: z.string(),
    severity,
    message: z.string(),
    notify: z.string().nullable(),
    raisedAt: instantOut,
    eventSeq: z.number().int(),
    acknowledgement: z
      .object({ by: actor, at: instantOut, note: z.string().nullable() })
      .nullable()
      .openapi({ description: 'Who acknowledged it, when and with what note; null while nobody has' }),
    escalations: z
      .array(
        z.object({
          by: actor,
          at: instantOut,
          to: z.string(),
          level: z.number().int().nullable(),
          note: z.string().nullable(),
        }),
      )
      .openapi({ description: 'Every escalation, oldest first' }),
  })
  .openapi('Alert');

export const list = createRoute({
  method: 'get',
  path: '/api/alerts',
  operationId: 'listAlerts',
  tags: ['Alerts'],
  summary: 'Alerts raised by rules (FLAG outcomes and missed deadlines), filterable, with their acknowledgement',
  description: 'Every read is recorded in the access log with the alerts and their incidents.',
  security,
  request: {
    query: z.object({
      rule: z.string().max(10).optional(),
      severity: severity.optional(),
      incidentId: z.string().max(64).optional(),
      incidentStatus: z
        .enum(['open', 'closed'])
        .optional()
        .openapi({ description: "'open' lists alerts on incidents still open" }),
      acknowledged: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional()
        .openapi({ description: "'false' lists the alerts nobody has acknowledged yet" }),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    headers: readHeaders,
  },
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ items: z.array(alertSchema) }) } },
      description: 'Alerts',
    },
    400: problemResponse('Bad filter or X-Access-Reason'),
    ...authenticated,
    ...restricted,
  },
});

const count = z.number().int().min(0);
export const counts = createRoute({
  method: 'get',
  path: '/api/alerts/unacknowledged',
  operationId: 'countUnacknowledgedAlerts',
  tags: ['Alerts'],
  summary: 'How many alerts on open incidents nobody has acknowledged, by severity (the badge on every screen)',
  security,
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z.object({ critical: count, warning: count, info: count, total: count }).openapi('AlertCounts'),
        },
      },
      description: 'Counts of unacknowledged alerts on open incidents',
    },
    ...authenticated,
    ...restricted,
  },
});

const alertAction = z
  .object({
    alertId: z.string(),
    incidentId: z.string(),
    action: z.enum(['acknowledged', 'escalated']),
    by: z.object({ id: z.string(), role: z.string() }),
    at: instantOut,
    note: z.string().nullable(),
    to: z.string().nullable(),
    level: z.number().int().nullable(),
  })
  .openapi('AlertAction');

const note = z.string().trim().min(1).max(1000).optional();
const alertParams = idParam('id', 200);
const commandResponses = (what: string) => ({
  201: {
    content: { 'application/json': { schema: alertAction } },
    headers: z.object({
      'Idempotent-Replayed': z
        .literal('true')
        .optional()
        .openapi({ description: 'Present when this is the stored answer to an earlier request with the same key' }),
    }),
    description: `The ${what}, as recorded (append-only)`,
  },
  400: problemResponse('Malformed body, bad id or Idempotency-Key'),
  ...authenticated,
  ...restricted,
  404: problemResponse('Unknown alert'),
  ...withBody,
  422: problemResponse('Idempotency-Key reused for a different request'),
  503: problemResponse('The database could not commit: nothing was saved and the same request may be retried'),
});

export const acknowledge = createRoute({
  method: 'post',
  path: '/api/alerts/{id}/acknowledgements',
  operationId: 'acknowledgeAlert',
  tags: ['Alerts'],
  summary: 'Acknowledge an alert (who and when are recorded; a note is optional)',
  description:
    'Once per alert: a second acknowledgement is 409 naming the first. Call handlers, dispatchers and ' +
    'supervisors.',
  security,
  request: {
    params: alertParams,
    headers: z.object({ 'idempotency-key': idempotencyHeader }),
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ note }).openapi('AlertAcknowledgementInput') } },
    },
  },
  responses: {
    ...commandResponses('acknowledgement'),
    409: problemResponse('The alert was already acknowledged (the detail names when and by whom)'),
  },
});

export const escalate = createRoute({
  method: 'post',
  path: '/api/alerts/{id}/escalations',
  operationId: 'escalateAlert',
  tags: ['Alerts'],
  summary: 'Escalate an alert to someone (a role or a named person), optionally at a ladder level (supervisors)',
  security,
  request: {
    params: alertParams,
    headers: z.object({ 'idempotency-key': idempotencyHeader }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({
              to: z
                .string()
                .trim()
                .min(1)
                .max(200)
                .openapi({ description: 'Who it is escalated to', example: 'duty inspector' }),
              level: z.number().int().min(1).max(10).optional(),
              note,
            })
            .openapi('AlertEscalationInput'),
        },
      },
    },
  },
  responses: commandResponses('escalation'),
});

export type ListRoute = typeof list;
export type CountsRoute = typeof counts;
export type AcknowledgeRoute = typeof acknowledge;
export type EscalateRoute = typeof escalate;
