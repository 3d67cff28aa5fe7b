/** GET /api/alerts: FLAG outcomes raised on incidents (R6, R10, R15 …), newest first. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { alerts, incidents } from '../../db/schema.js';
import type { AppEnv } from '../http/types.js';
import { problemResponse, security } from './shared.js';

const alertSchema = z
  .object({
    id: z.string(),
    incidentId: z.string(),
    incidentReference: z.string().nullable(),
    incidentStatus: z.string(),
    rule: z.string(),
    severity: z.string(),
    message: z.string(),
    notify: z.string().nullable(),
    raisedAt: z.string(),
    eventSeq: z.number().int(),
  })
  .openapi('Alert');

const route = createRoute({
  method: 'get',
  path: '/api/alerts',
  tags: ['Alerts'],
  summary: 'Alerts raised by rules (FLAG outcomes and missed deadlines), filterable',
  security,
  request: {
    query: z.object({
      rule: z.string().max(10).optional(),
      severity: z.enum(['info', 'warning', 'critical']).optional(),
      incidentId: z.string().max(64).optional(),
      incidentStatus: z
        .enum(['open', 'closed'])
        .optional()
        .openapi({ description: "'open' lists alerts on incidents still open" }),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ items: z.array(alertSchema) }) } },
      description: 'Alerts',
    },
    400: problemResponse('Bad filter'),
    401: problemResponse('No valid bearer token'),
  },
});

export function registerAlertRoutes(app: OpenAPIHono<AppEnv>, db: Db) {
  app.openapi(route, (c) => {
    const q = c.req.valid('query');
    const where: SQL[] = [];
    if (q.rule) where.push(eq(alerts.rule, q.rule));
    if (q.severity) where.push(eq(alerts.severity, q.severity));
    if (q.incidentId) where.push(eq(alerts.incidentId, q.incidentId));
    if (q.incidentStatus) where.push(eq(incidents.status, q.incidentStatus));
    if (q.from) where.push(gte(alerts.raisedAt, new Date(q.from).toISOString()));
    if (q.to) where.push(lt(alerts.raisedAt, new Date(q.to).toISOString()));
    const items = db
      .select({
        id: alerts.id,
        incidentId: alerts.incidentId,
        incidentReference: incidents.reference,
        incidentStatus: incidents.status,
        rule: alerts.rule,
        severity: alerts.severity,
        message: alerts.message,
        notify: alerts.notify,
        raisedAt: alerts.raisedAt,
        eventSeq: alerts.eventSeq,
      })
      .from(alerts)
      .innerJoin(incidents, eq(incidents.id, alerts.incidentId))
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(alerts.raisedAt), desc(alerts.id))
      .limit(q.limit)
      .all();
    return c.json({ items }, 200);
  });
}
