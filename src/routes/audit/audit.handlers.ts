/**
 * The handover audit handlers, typed by their routes: referral handovers to partner agencies
 * (mh_lead, supervisor, admin) and handovers at places of safety (R35; mh_lead, supervisor), each
 * a page at a time with the whole period's summary, or all of it as CSV. The reports are src/reports
 * and src/queries. Their rows are about individual referrals and detentions: each read is recorded in
 * the access log with the records on the page (a CSV as a disclosure to the user).
 */
import type { Context } from 'hono';
import type { RecordRef } from '../../access/access-log.js';
import { authorize } from '../../access/authorize.js';
import type { CommandDeps } from '../../commands/deps.js';
import { decodeTriple, encodeTriple } from '../../http/cursor.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppEnv, AppRouteHandler } from '../../http/types.js';
import {
  handoverSummary,
  handoversBySite,
  pageOfHandovers,
  placeOfSafetyHandovers,
} from '../../queries/place-of-safety-handovers.js';
import { answerMinutesOf, handoverReport, handoversCsv, placeOfSafetyCsv } from '../../reports/handovers.js';
import type { HandoversRoute, PlaceOfSafetyHandoversRoute } from './audit.routes.js';

const DAY_MS = 86_400_000;

/** The audited period: [from, to), by default the last 30 days up to now (with R7's clock-skew tolerance). */
function auditPeriod(deps: CommandDeps, q: { from?: string | undefined; to?: string | undefined }) {
  const to = q.to
    ? new Date(q.to).toISOString()
    : new Date(deps.clock.now().getTime() + (deps.config.time.futureToleranceSeconds + 1) * 1000).toISOString();
  const from = q.from ? new Date(q.from).toISOString() : new Date(Date.parse(to) - 30 * DAY_MS).toISOString();
  if (from >= to)
    return problem(400, 'BAD_RANGE', 'Invalid range', `from (${from}) must be before to (${to})`, {
      issues: [{ path: 'query.from', message: 'must be before to' }],
    });
  if (Date.parse(to) - Date.parse(from) > 366 * DAY_MS)
    return problem(400, 'BAD_RANGE', 'Range too long', 'ask for at most 366 days at a time', {
      issues: [{ path: 'query.to', message: 'at most 366 days after from' }],
    });
  return { from, to };
}

const badCursor = () =>
  problem(400, 'BAD_CURSOR', 'Invalid cursor', 'cursor must be a nextCursor value returned by this endpoint', {
    issues: [{ path: 'query.cursor', message: 'not a nextCursor of this endpoint' }],
  });

const wantsCsv = (c: Context<AppEnv>, format: 'json' | 'csv' | undefined) =>
  format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));

const breachOf = (b: 'true' | 'false' | undefined) => (b === undefined ? null : b === 'true');

export function auditHandlers(deps: CommandDeps) {
  /** Writes the read to the access log (durable) before the answer; a refusal is logged too. */
  const logged = (
    c: Context<AppEnv>,
    action: string,
    csv: boolean,
    records: RecordRef[],
    params: Record<string, unknown>,
  ) =>
    authorize(c, 'handover.audit', {
      action,
      kind: csv ? 'disclosure' : 'consultation',
      records,
      params: { ...params, format: csv ? 'csv' : 'json' },
    });
  const referralRecords = (items: readonly { incidentId: string; referralId: string }[]): RecordRef[] => [
    ...items.map((i): RecordRef => ({ type: 'referral', id: `${i.incidentId}/${i.referralId}` })),
    ...[...new Set(items.map((i) => i.incidentId))].map((id): RecordRef => ({ type: 'incident', id })),
  ];

  const handovers: AppRouteHandler<HandoversRoute> = async (c) => {
    const q = c.req.valid('query');
    const period = auditPeriod(deps, q);
    if ('status' in period) return sendProblem(c, period);
    const { from, to } = period;
    const query = {
      from,
      to,
      agency: q.agency ?? null,
      breach: breachOf(q.breach),
      windowHours: deps.config.repeatContact.windowHours,
      answerMinutes: answerMinutesOf(deps.config),
      now: deps.clock.now().toISOString(),
    };
    const params = { from, to, agency: q.agency ?? null, breach: q.breach ?? null };
    if (wantsCsv(c, q.format)) {
      const all = handoverReport(deps.db, query);
      const access = await logged(c, 'handovers.audit', true, referralRecords(all.items), params);
      if (!access.ok) return sendProblem(c, access.problem);
      const name = `handovers_${from.slice(0, 10)}_${to.slice(0, 10)}${q.agency ? `_${q.agency}` : ''}.csv`;
      return c.body(handoversCsv(all), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      });
    }
    const after = q.cursor ? decodeTriple(q.cursor) : null;
    if (q.cursor && !after) return sendProblem(c, badCursor());
    const { next, ...report } = handoverReport(deps.db, query, { limit: q.limit, after });
    const access = await logged(c, 'handovers.audit', false, referralRecords(report.items), params);
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json({ ...report, nextCursor: next ? encodeTriple(next) : null }, 200, { 'cache-control': 'no-store' });
  };

  const stayRecords = (items: readonly { detentionId: string }[]): RecordRef[] =>
    [...new Set(items.map((i) => i.detentionId))].map((id): RecordRef => ({ type: 'detention', id }));

  const placeOfSafety: AppRouteHandler<PlaceOfSafetyHandoversRoute> = async (c) => {
    const q = c.req.valid('query');
    const period = auditPeriod(deps, q);
    if ('status' in period) return sendProblem(c, period);
    const all = placeOfSafetyHandovers(deps.db, { ...period, site: q.site ?? null, breach: breachOf(q.breach) });
    const params = { ...period, site: q.site ?? null, breach: q.breach ?? null };
    if (wantsCsv(c, q.format)) {
      const access = await logged(c, 'handovers.placeOfSafety', true, stayRecords(all), params);
      if (!access.ok) return sendProblem(c, access.problem);
      const name = `place-of-safety-handovers_${period.from.slice(0, 10)}_${period.to.slice(0, 10)}.csv`;
      return c.body(placeOfSafetyCsv(all), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      });
    }
    const after = q.cursor ? decodeTriple(q.cursor) : null;
    if (q.cursor && !after) return sendProblem(c, badCursor());
    const page = pageOfHandovers(all, after, q.limit);
    const access = await logged(c, 'handovers.placeOfSafety', false, stayRecords(page.items), params);
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json(
      {
        from: period.from,
        to: period.to,
        handoverMinutes: deps.config.s136.handoverMinutes,
        summary: handoverSummary(all),
        bySite: handoversBySite(all),
        total: all.length,
        items: page.items,
        nextCursor: page.next ? encodeTriple(page.next) : null,
      },
      200,
      { 'cache-control': 'no-store' },
    );
  };
  return { handovers, placeOfSafety };
}
