/** Route declaration for GET /api/alerts: FLAG outcomes raised on incidents (R6, R10, R15 …), newest first. */
import { createRoute, z } from '@hono/zod-openapi';
import { authenticated, instantOut, problemResponse, readHeaders, restricted, security, severity } from '../schemas.js';

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
  })
  .openapi('Alert');

export const list = createRoute({
  method: 'get',
  path: '/api/alerts',
  operationId: 'listAlerts',
  tags: ['Alerts'],
  summary: 'Alerts raised by rules (FLAG outcomes and missed deadlines), filterable',
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

export type ListRoute = typeof list;
