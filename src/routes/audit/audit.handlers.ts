/**
 * The handover audit handler, typed by its route; the report is src/reports. Its rows are about
 * individual referrals: each read is recorded in the access log (a CSV as a disclosure).
 */
import type { RecordRef } from '../../access/access-log.js';
import { authorize } from '../../access/authorize.js';
import type { CommandDeps } from '../../commands/deps.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppRouteHandler } from '../../http/types.js';
import { handoverReport, handoversCsv } from '../../reports/handovers.js';
import type { HandoversRoute } from './audit.routes.js';

export function auditHandlers(deps: CommandDeps) {
  const handovers: AppRouteHandler<HandoversRoute> = async (c) => {
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
      );
    if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) {
      return sendProblem(
        c,
        problem(400, 'BAD_RANGE', 'Range too long', 'ask for at most 366 days at a time', {
          issues: [{ path: 'query.to', message: 'at most 366 days after from' }],
        }),
      );
    }
    const report = handoverReport(deps.db, {
      from,
      to,
      agency: q.agency ?? null,
      windowHours: deps.config.repeatContact.windowHours,
    });
    const csv = q.format === 'csv' || (q.format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
    const records: RecordRef[] = [
      ...report.items.map((i): RecordRef => ({ type: 'referral', id: `${i.incidentId}/${i.referralId}` })),
      ...[...new Set(report.items.map((i) => i.incidentId))].map((id): RecordRef => ({ type: 'incident', id })),
    ];
    const access = await authorize(c, 'handover.audit', {
      action: 'handovers.audit',
      kind: csv ? 'disclosure' : 'consultation',
      records,
      params: { from, to, agency: q.agency ?? null, format: csv ? 'csv' : 'json' },
    });
    if (!access.ok) return sendProblem(c, access.problem);
    if (csv) {
      const name = `handovers_${from.slice(0, 10)}_${to.slice(0, 10)}${q.agency ? `_${q.agency}` : ''}.csv`;
      return c.body(handoversCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      });
    }
    return c.json(report, 200, { 'cache-control': 'no-store' });
  };
  return { handovers };
}
