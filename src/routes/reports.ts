/**
 * Demand evidence for PCCs: the demand report (JSON or CSV), the evidence pack (HTML or a ZIP of
 * the CSVs behind its charts) and its workbook (.xlsx), the all-incidents volumes that give "share
 * of all incidents", and
 * the R41 high-intensity marker of one incident. Role-restricted (configuration) and every view is
 * audited; suppression (R44) is applied for the roles configured for it.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CommandDeps } from '../commands/deps.js';
import { personNumber } from '../domain/demand-ledger.js';
import { problem } from '../http/problem.js';
import { sendProblem } from '../http/respond.js';
import type { AppEnv } from '../http/types.js';
import { auditAccess } from '../reports/access-audit.js';
import { reportCsv } from '../reports/csv.js';
import { runDemandReport } from '../reports/demand-report.js';
import { evidencePack, evidencePackZip } from '../reports/evidence-pack.js';
import { evidencePackHtml } from '../reports/pack-html.js';
import { publishedReport } from '../reports/suppression.js';
import { evidenceWorkbook } from '../reports/workbook.js';
import { prepared } from '../reports/sql.js';
import { recordVolumes } from '../reports/volumes.js';
import { GROUP_BYS } from '../reports/types.js';
import { problemResponse, security } from './shared.js';

const day = z.iso.date().openapi({ example: '2025-04-01', description: 'Force-local calendar date (inclusive)' });
const periodQuery = {
  from: day,
  to: day,
  suppress: z.enum(['true', 'false']).optional().openapi({
    description:
      'Apply small-number suppression (R44) although your role does not require it (a preview of the PCC output)',
  }),
};

const reportSchema = z
  .object({})
  .passthrough()
  .openapi('DemandReport', {
    description:
      'Sections (each with its definition, measures and rows), suppression and data-quality notes. A figure withheld ' +
      'by small-number suppression (R44) is the string "[c]" in its cell and is listed in the row\'s `suppressed`.',
  });

const demandRoute = createRoute({
  method: 'get',
  path: '/api/reports/demand',
  tags: ['Reports'],
  summary: 'Demand report for a period: every figure with its definition (JSON or CSV)',
  security,
  request: {
    query: z.object({
      ...periodQuery,
      groupBy: z.enum(GROUP_BYS).default('month'),
      format: z.enum(['json', 'csv']).default('json'),
    }),
  },
  responses: {
    200: {
      content: { 'application/json': { schema: reportSchema }, 'text/csv': { schema: z.string() } },
      description: 'The report',
    },
    400: problemResponse('Bad period or grouping'),
    401: problemResponse('No valid bearer token'),
    403: problemResponse('Your role may not read demand reports'),
  },
});

const packRoute = createRoute({
  method: 'get',
  path: '/api/reports/evidence-pack',
  tags: ['Reports'],
  summary:
    'Evidence pack: one self-contained HTML document (printable to PDF), or format=zip for the CSVs behind every chart',
  security,
  request: { query: z.object({ ...periodQuery, format: z.enum(['html', 'zip']).default('html') }) },
  responses: {
    200: {
      content: {
        'text/html': { schema: z.string() },
        'application/zip': { schema: z.string().openapi({ format: 'binary' }) },
      },
      description: 'The evidence pack',
    },
    400: problemResponse('Bad period'),
    401: problemResponse('No valid bearer token'),
    403: problemResponse('Your role may not read demand reports'),
  },
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const workbookRoute = createRoute({
  method: 'get',
  path: '/api/reports/workbook',
  tags: ['Reports'],
  summary:
    'The evidence pack as a workbook (.xlsx): cover, contents, notes, then one table a worksheet; withheld ' +
    'figures are "[c]" for the roles that are suppressed (R44)',
  security,
  request: { query: z.object(periodQuery) },
  responses: {
    200: { content: { [XLSX]: { schema: z.string().openapi({ format: 'binary' }) } }, description: 'The workbook' },
    400: problemResponse('Bad period'),
    401: problemResponse('No valid bearer token'),
    403: problemResponse('Your role may not read demand reports'),
  },
});

const volumesRoute = createRoute({
  method: 'put',
  path: '/api/reports/incident-volumes',
  tags: ['Reports'],
  summary:
    'Record monthly totals of ALL incidents in command and control (the denominator of "share of all incidents")',
  security,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({
              source: z.string().min(1).max(200).openapi({ example: 'STORM monthly incident count' }),
              items: z
                .array(
                  z.strictObject({
                    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
                    district: z
                      .string()
                      .min(1)
                      .max(100)
                      .optional()
                      .openapi({ description: 'Omit for the force-wide total' }),
                    allIncidents: z.number().int().min(0),
                  }),
                )
                .min(1)
                .max(5000),
            })
            .openapi('IncidentVolumes'),
        },
      },
    },
  },
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ recorded: z.number().int() }) } },
      description: 'Recorded (a month already recorded is replaced)',
    },
    400: problemResponse('Malformed'),
    401: problemResponse('No valid bearer token'),
    403: problemResponse('Your role may not record volumes'),
  },
});

const markerRoute = createRoute({
  method: 'get',
  path: '/api/incidents/{id}/high-intensity',
  tags: ['Reports'],
  summary:
    'R41: whether the subject of this incident was high-intensity at the time of the call (computed; access ' +
    'restricted and audited)',
  security,
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: 'id', in: 'path' } }),
    }),
  },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .object({
              incidentId: z.string(),
              highIntensity: z.boolean().nullable(),
              incidentsInWindow: z.number().int().nullable(),
              minIncidents: z.number().int(),
              windowDays: z.number().int(),
              asOf: z.string(),
              reason: z.string().nullable(),
            })
            .openapi('HighIntensityMarker'),
        },
      },
      description: 'The computed marker',
    },
    401: problemResponse('No valid bearer token'),
    403: problemResponse('Your role may not see the marker'),
    404: problemResponse('Unknown incident'),
  },
});

function period(c: Context<AppEnv>, from: string, to: string) {
  if (from > to) {
    return sendProblem(
      c,
      problem(400, 'VALIDATION_FAILED', 'Invalid request', 'query.to: the period ends before it starts', {
        issues: [{ path: 'query.to', message: 'must be on or after from' }],
      }),
    );
  }
  if (Date.parse(to) - Date.parse(from) > 25 * 366 * 86_400_000) {
    return sendProblem(
      c,
      problem(400, 'VALIDATION_FAILED', 'Invalid request', 'query.to: a period of at most 25 years', {
        issues: [{ path: 'query.to', message: 'period too long' }],
      }),
    );
  }
  return null;
}

export function registerReportRoutes(app: OpenAPIHono<AppEnv>, deps: CommandDeps) {
  const reporting = deps.config.reporting;
  const refuse = async (
    c: Context<AppEnv>,
    action: string,
    params: Record<string, unknown>,
    incidentId: string | null = null,
  ) => {
    const user = c.get('user');
    await auditAccess(deps, { userId: user.id, role: user.role, action, params, incidentId, outcome: 'refused' });
    return sendProblem(
      c,
      problem(
        403,
        'ROLE_NOT_ALLOWED',
        'Not allowed for your role',
        `the role '${user.role}' may not do this (${action}); ask for a role that may`,
      ),
    );
  };
  const suppressFor = (role: string, asked: string | undefined) =>
    (reporting.suppressedRoles as readonly string[]).includes(role) || asked === 'true';

  app.openapi(demandRoute, async (c) => {
    const q = c.req.valid('query');
    const user = c.get('user');
    const params = { from: q.from, to: q.to, groupBy: q.groupBy, format: q.format, suppress: q.suppress ?? null };
    if (!(reporting.viewRoles as readonly string[]).includes(user.role))
      return (await refuse(c, 'report.demand', params)) as never;
    const bad = period(c, q.from, q.to);
    if (bad) return bad as never;
    const report = runDemandReport({
      db: deps.db,
      config: deps.config,
      params: { from: q.from, to: q.to, groupBy: q.groupBy },
      suppress: suppressFor(user.role, q.suppress),
      now: deps.clock.now(),
    });
    await auditAccess(deps, { userId: user.id, role: user.role, action: 'report.demand', params, outcome: 'shown' });
    if (q.format === 'csv') {
      return c.body(reportCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="demand-${q.from}-to-${q.to}-by-${q.groupBy}.csv"`,
      }) as never;
    }
    return c.json(publishedReport(report), 200);
  });

  app.openapi(packRoute, async (c) => {
    const q = c.req.valid('query');
    const user = c.get('user');
    const params = { from: q.from, to: q.to, format: q.format, suppress: q.suppress ?? null };
    if (!(reporting.viewRoles as readonly string[]).includes(user.role))
      return (await refuse(c, 'report.evidencePack', params)) as never;
    const bad = period(c, q.from, q.to);
    if (bad) return bad as never;
    const pack = evidencePack({
      db: deps.db,
      config: deps.config,
      params: { from: q.from, to: q.to },
      suppress: suppressFor(user.role, q.suppress),
      now: deps.clock.now(),
    });
    await auditAccess(deps, {
      userId: user.id,
      role: user.role,
      action: 'report.evidencePack',
      params,
      outcome: 'shown',
    });
    const name = `evidence-pack-${q.from}-to-${q.to}`;
    if (q.format === 'zip') {
      return c.body(evidencePackZip(pack) as unknown as ArrayBuffer, 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${name}.zip"`,
      }) as never;
    }
    return c.html(evidencePackHtml(pack, `${user.role}`), 200) as never;
  });

  app.openapi(workbookRoute, async (c) => {
    const q = c.req.valid('query');
    const user = c.get('user');
    const params = { from: q.from, to: q.to, suppress: q.suppress ?? null };
    if (!(reporting.viewRoles as readonly string[]).includes(user.role))
      return (await refuse(c, 'report.workbook', params)) as never;
    const bad = period(c, q.from, q.to);
    if (bad) return bad as never;
    const pack = evidencePack({
      db: deps.db,
      config: deps.config,
      params: { from: q.from, to: q.to },
      suppress: suppressFor(user.role, q.suppress),
      now: deps.clock.now(),
    });
    const body = await evidenceWorkbook(pack, user.role);
    await auditAccess(deps, { userId: user.id, role: user.role, action: 'report.workbook', params, outcome: 'shown' });
    return c.body(body as unknown as ArrayBuffer, 200, {
      'content-type': XLSX,
      'content-disposition': `attachment; filename="evidence-tables-${q.from}-to-${q.to}.xlsx"`,
    }) as never;
  });

  app.openapi(volumesRoute, async (c) => {
    const body = c.req.valid('json');
    const user = c.get('user');
    if (!(['admin', 'mh_lead'] as string[]).includes(user.role))
      return (await refuse(c, 'volumes.record', { items: body.items.length })) as never;
    const unknown = body.items.find((i) => i.district !== undefined && !deps.config.districts.includes(i.district));
    if (unknown) {
      return sendProblem(
        c,
        problem(400, 'VALIDATION_FAILED', 'Invalid request', `district '${unknown.district}' is not configured`, {
          issues: [{ path: 'body.items.district', message: 'unknown district' }],
        }),
      ) as never;
    }
    await recordVolumes(deps, body.items, body.source, user.id);
    return c.json({ recorded: body.items.length }, 200);
  });

  app.openapi(markerRoute, async (c) => {
    const { id } = c.req.valid('param');
    const user = c.get('user');
    const hi = reporting.highIntensity;
    if (!(hi.viewRoles as readonly string[]).includes(user.role))
      return (await refuse(c, 'incident.highIntensity', {}, id)) as never;
    const row = prepared(
      deps.db,
      'SELECT person_key AS personKey, received_at AS receivedAt FROM incidents WHERE id = ?',
    ).get(id) as { personKey: string | null; receivedAt: string } | undefined;
    if (!row)
      return sendProblem(
        c,
        problem(404, 'INCIDENT_NOT_FOUND', 'Unknown incident', `no incident with id ${id}`),
      ) as never;
    await auditAccess(deps, {
      userId: user.id,
      role: user.role,
      action: 'incident.highIntensity',
      params: {},
      incidentId: id,
      outcome: 'shown',
    });
    const base = { incidentId: id, minIncidents: hi.minIncidents, windowDays: hi.windowDays, asOf: row.receivedAt };
    if (!row.personKey)
      return c.json(
        { ...base, highIntensity: null, incidentsInWindow: null, reason: 'the subject is not identified' },
        200,
      );
    const from = new Date(Date.parse(row.receivedAt) - hi.windowDays * 86_400_000).toISOString();
    const n = prepared(
      deps.db,
      'SELECT count(*) FROM person_contacts WHERE person = ? AND received_at >= ? AND received_at <= ?',
    )
      .pluck()
      .get(personNumber(row.personKey), from, row.receivedAt) as number;
    return c.json({ ...base, highIntensity: n >= hi.minIncidents, incidentsInWindow: n, reason: null }, 200);
  });
}
