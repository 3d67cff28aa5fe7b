/**
 * Demand evidence handlers, typed by their routes. Role-restricted (configuration) and every view
 * is audited, refusals included; suppression (R44) is applied for the roles configured for it.
 */
import type { Context } from 'hono';
import type { CommandDeps } from '../../commands/deps.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppEnv, AppRouteHandler } from '../../http/types.js';
import { highIntensityMarker } from '../../queries/high-intensity.js';
import { auditAccess } from '../../reports/access-audit.js';
import { reportCsv } from '../../reports/csv.js';
import { runDemandReport } from '../../reports/demand-report.js';
import { evidencePack as buildEvidencePack, evidencePackZip } from '../../reports/evidence-pack.js';
import { evidencePackHtml } from '../../reports/pack-html.js';
import { publishedReport } from '../../reports/suppression.js';
import { evidenceWorkbook } from '../../reports/workbook.js';
import { recordVolumes } from '../../reports/volumes.js';
import type { DemandRoute, EvidencePackRoute, MarkerRoute, VolumesRoute, WorkbookRoute } from './reports.routes.js';

/** Why a reporting period cannot be run, or null. */
function badPeriod(from: string, to: string) {
  if (from > to)
    return problem(400, 'VALIDATION_FAILED', 'Invalid request', 'query.to: the period ends before it starts', {
      issues: [{ path: 'query.to', message: 'must be on or after from' }],
    });
  if (Date.parse(to) - Date.parse(from) > 25 * 366 * 86_400_000)
    return problem(400, 'VALIDATION_FAILED', 'Invalid request', 'query.to: a period of at most 25 years', {
      issues: [{ path: 'query.to', message: 'period too long' }],
    });
  return null;
}

export function reportHandlers(deps: CommandDeps) {
  const reporting = deps.config.reporting;
  /** A 403 for the role, recorded in the access log as refused. */
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

  const demand: AppRouteHandler<DemandRoute> = async (c) => {
    const q = c.req.valid('query');
    const user = c.get('user');
    const params = { from: q.from, to: q.to, groupBy: q.groupBy, format: q.format, suppress: q.suppress ?? null };
    if (!(reporting.viewRoles as readonly string[]).includes(user.role)) return refuse(c, 'report.demand', params);
    const bad = badPeriod(q.from, q.to);
    if (bad) return sendProblem(c, bad);
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
      });
    }
    return c.json(publishedReport(report), 200);
  };

  const evidencePack: AppRouteHandler<EvidencePackRoute> = async (c) => {
    const q = c.req.valid('query');
    const user = c.get('user');
    const params = { from: q.from, to: q.to, format: q.format, suppress: q.suppress ?? null };
    if (!(reporting.viewRoles as readonly string[]).includes(user.role))
      return refuse(c, 'report.evidencePack', params);
    const bad = badPeriod(q.from, q.to);
    if (bad) return sendProblem(c, bad);
    const pack = buildEvidencePack({
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
      return c.body(evidencePackZip(pack) as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${name}.zip"`,
      });
    }
    return c.html(evidencePackHtml(pack, `${user.role}`), 200);
  };

  const workbook: AppRouteHandler<WorkbookRoute> = async (c) => {
    const q = c.req.valid('query');
    const user = c.get('user');
    const params = { from: q.from, to: q.to, suppress: q.suppress ?? null };
    if (!(reporting.viewRoles as readonly string[]).includes(user.role)) return refuse(c, 'report.workbook', params);
    const bad = badPeriod(q.from, q.to);
    if (bad) return sendProblem(c, bad);
    const pack = buildEvidencePack({
      db: deps.db,
      config: deps.config,
      params: { from: q.from, to: q.to },
      suppress: suppressFor(user.role, q.suppress),
      now: deps.clock.now(),
    });
    const body = await evidenceWorkbook(pack, user.role);
    await auditAccess(deps, { userId: user.id, role: user.role, action: 'report.workbook', params, outcome: 'shown' });
    return c.body(new Uint8Array(body) as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="evidence-tables-${q.from}-to-${q.to}.xlsx"`,
    });
  };

  const volumes: AppRouteHandler<VolumesRoute> = async (c) => {
    const body = c.req.valid('json');
    const user = c.get('user');
    if (!(['admin', 'mh_lead'] as string[]).includes(user.role))
      return refuse(c, 'volumes.record', { items: body.items.length });
    const unknown = body.items.find((i) => i.district !== undefined && !deps.config.districts.includes(i.district));
    if (unknown) {
      return sendProblem(
        c,
        problem(400, 'VALIDATION_FAILED', 'Invalid request', `district '${unknown.district}' is not configured`, {
          issues: [{ path: 'body.items.district', message: 'unknown district' }],
        }),
      );
    }
    await recordVolumes(deps, body.items, body.source, user.id);
    return c.json({ recorded: body.items.length }, 200);
  };

  const marker: AppRouteHandler<MarkerRoute> = async (c) => {
    const { id } = c.req.valid('param');
    const user = c.get('user');
    if (!(reporting.highIntensity.viewRoles as readonly string[]).includes(user.role))
      return refuse(c, 'incident.highIntensity', {}, id);
    const found = highIntensityMarker(deps.db, deps.config, id);
    if (!found)
      return sendProblem(c, problem(404, 'INCIDENT_NOT_FOUND', 'Unknown incident', `no incident with id ${id}`));
    await auditAccess(deps, {
      userId: user.id,
      role: user.role,
      action: 'incident.highIntensity',
      params: {},
      incidentId: id,
      outcome: 'shown',
    });
    return c.json(found, 200);
  };

  return { demand, evidencePack, workbook, volumes, marker };
}
