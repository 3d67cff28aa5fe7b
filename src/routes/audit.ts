/** GET /api/audit/handovers: the referral handover audit, as JSON or CSV (mh_lead, supervisor, admin). */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { forbidUnless } from '../auth/roles.js';
import type { CommandDeps } from '../commands/deps.js';
import { problem } from '../http/problem.js';
import { sendProblem } from '../http/respond.js';
import type { AppEnv } from '../http/types.js';
import { handoverReport, handoversCsv } from '../reports/handovers.js';
import { problemResponse, security } from './shared.js';

const escalationSchema = z.object({
  level: z.number().int(),
  label: z.string(),
  reason: z.string(),
  openedAt: z.string(),
  openedBy: z.string(),
  escalatedBy: z.string().nullable(),
  partnerContact: z.string().nullable(),
  closedAt: z.string().nullable(),
  outcome: z.string().nullable(),
});

const handoverSchema = z
  .object({
    incidentId: z.string(),
    incidentReference: z.string().nullable(),
    category: z.string(),
    district: z.string().nullable(),
    rcrpDecision: z.string().nullable(),
    noDeployAt: z.string().nullable(),
    referralId: z.string(),
    agency: z.string(),
    agencyLabel: z.string().nullable(),
    agencyType: z.string().nullable(),
    contactMethod: z.string(),
    delivery: z.string().nullable(),
    recipient: z.string().nullable(),
    namedContact: z.string().nullable(),
    madeBy: z.string().nullable(),
    madeAt: z.string(),
    sentAt: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
    answeredAt: z.string().nullable(),
    answer: z.string().nullable(),
    answeredVia: z.string().nullable(),
    reason: z.string().nullable(),
    status: z.string(),
    state: z.string().nullable(),
    noResponseCause: z.string().nullable(),
    minutesToSend: z
      .number()
      .nullable()
      .openapi({ description: 'Queued → accepted by the mail server (email referrals)' }),
    minutesToAcknowledge: z.number().nullable().openapi({ description: 'Reached the agency → acknowledged' }),
    minutesToAnswer: z.number().nullable().openapi({ description: 'Reached the agency → accepted or declined' }),
    escalations: z.array(escalationSchema),
    resolution: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    withdrawnAt: z.string().nullable(),
    callerInformedAt: z.string().nullable(),
    callerToldWhoWillAttend: z.string().nullable(),
    recontacts: z
      .array(z.object({ incidentId: z.string(), reference: z.string().nullable(), receivedAt: z.string() }))
      .openapi({
        description:
          'Later incidents about the same person within the repeat-contact window after the no-deploy decision (R15)',
      }),
  })
  .openapi('Handover');

const route = createRoute({
  method: 'get',
  path: '/api/audit/handovers',
  tags: ['Audit'],
  summary:
    'Referral handover audit: who was asked, when, what they answered, how long it took, escalations and re-contacts ' +
    '(JSON or CSV)',
  description:
    'Referrals made in [from, to) (default: the last 30 days; at most 366 days). format=csv (or Accept: text/csv) ' +
    'downloads one row per referral. Roles: mh_lead, supervisor, admin.',
  security,
  request: {
    query: z.object({
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      agency: z.string().max(40).optional(),
      format: z.enum(['json', 'csv']).optional(),
    }),
  },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .object({
              from: z.string(),
              to: z.string(),
              agency: z.string().nullable(),
              windowHours: z.number(),
              summary: z.object({
                referrals: z.number().int(),
                byStatus: z.record(z.string(), z.number().int()),
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
        'text/csv': { schema: z.string() },
      },
      description: 'The audit',
    },
    400: problemResponse('Bad range'),
    401: problemResponse('No valid bearer token'),
    403: problemResponse('Not allowed for your role'),
  },
});

export function registerAuditRoutes(app: OpenAPIHono<AppEnv>, deps: CommandDeps) {
  app.openapi(route, (c) => {
    const denied = forbidUnless(c, ['mh_lead', 'supervisor', 'admin'], 'the handover audit');
    if (denied) return denied as never;
    const q = c.req.valid('query');
    // Default: up to now, including steps dated slightly ahead by clock skew (R7's tolerance).
    const to = q.to
      ? new Date(q.to).toISOString()
      : new Date(deps.clock.now().getTime() + (deps.config.time.futureToleranceSeconds + 1) * 1000).toISOString();
    const from = q.from ? new Date(q.from).toISOString() : new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
    if (from >= to)
      return sendProblem(
        c,
        problem(400, 'BAD_RANGE', 'Invalid range', `from (${from}) must be before to (${to})`, {
          issues: [{ path: 'query.from', message: 'must be before to' }],
        }),
      ) as never;
    if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) {
      return sendProblem(
        c,
        problem(400, 'BAD_RANGE', 'Range too long', 'ask for at most 366 days at a time', {
          issues: [{ path: 'query.to', message: 'at most 366 days after from' }],
        }),
      ) as never;
    }
    const report = handoverReport(deps.db, {
      from,
      to,
      agency: q.agency ?? null,
      windowHours: deps.config.repeatContact.windowHours,
    });
    const csv = q.format === 'csv' || (q.format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
    if (csv) {
      const name = `handovers_${from.slice(0, 10)}_${to.slice(0, 10)}${q.agency ? `_${q.agency}` : ''}.csv`;
      return c.body(handoversCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      }) as never;
    }
    return c.json(report, 200, { 'cache-control': 'no-store' });
  });
}
