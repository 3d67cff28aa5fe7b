/**
 * Demand evidence handlers, typed by their routes. Who may read them is the access policy's, and
 * every view is in the access log, refusals included; suppression (R44) is applied to the roles the
 * policy grants reports only in suppressed form (the PCC analyst), whatever they ask for.
 */
import { authorize } from '../../access/authorize.js';
import type { CommandDeps } from '../../commands/deps.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppRouteHandler } from '../../http/types.js';
import { highIntensityMarker } from '../../queries/high-intensity.js';
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
  const demand: AppRouteHandler<DemandRoute> = async (c) => {
    const q = c.req.valid('query');
    const params = { from: q.from, to: q.to, groupBy: q.groupBy, format: q.format, suppress: q.suppress ?? null };
    const bad = badPeriod(q.from, q.to);
    if (bad) return sendProblem(c, bad);
    const access = await authorize(c, 'reports.read', { action: 'report.demand', params });
    if (!access.ok) return sendProblem(c, access.problem);
    const report = runDemandReport({
      db: deps.db,
      config: deps.config,
      params: { from: q.from, to: q.to, groupBy: q.groupBy },
      suppress: access.suppressed || q.suppress === 'true',
      now: deps.clock.now(),
    });
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
    const bad = badPeriod(q.from, q.to);
    if (bad) return sendProblem(c, bad);
    const access = await authorize(c, 'reports.read', { action: 'report.evidencePack', params });
    if (!access.ok) return sendProblem(c, access.problem);
    const pack = buildEvidencePack({
      db: deps.db,
      config: deps.config,
      params: { from: q.from, to: q.to },
      suppress: access.suppressed || q.suppress === 'true',
      now: deps.clock.now(),
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
    const bad = badPeriod(q.from, q.to);
    if (bad) return sendProblem(c, bad);
    const access = await authorize(c, 'reports.read', { action: 'report.workbook', params });
    if (!access.ok) return sendProblem(c, access.problem);
    const pack = buildEvidencePack({
      db: deps.db,
      config: deps.config,
      params: { from: q.from, to: q.to },
      suppress: access.suppressed || q.suppress === 'true',
      now: deps.clock.now(),
    });
    const body = await evidenceWorkbook(pack, user.role);
    return c.body(new Uint8Array(body) as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="evidence-tables-${q.from}-to-${q.to}.xlsx"`,
    });
  };

  const volumes: AppRouteHandler<VolumesRoute> = async (c) => {
    const body = c.req.valid('json');
    const user = c.get('user');
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
    const found = highIntensityMarker(deps.db, deps.config, id);
    if (!found)
      return sendProblem(c, problem(404, 'INCIDENT_NOT_FOUND', 'Unknown incident', `no incident with id ${id}`));
    const access = await authorize(c, 'handover.audit', {
      action: 'incident.highIntensity',
      records: [{ type: 'incident', id }],
    });
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json(found, 200);
  };

  return { demand, evidencePack, workbook, volumes, marker };
}
