/**
 * Detention, review and ADR return handlers, each typed by its route; the reads live in src/queries
 * and src/reports, the MH lead's finding goes through the command path (src/commands). Every answer
 * with record-level data is authorized and logged (src/access/authorize.ts); a disclosure (CSV, the
 * record for the IOPC or a coroner) needs its justification (disclosure.ts).
 */
import type { Context } from 'hono';
import { type AccessReason, authorize, authorizeDisclosure } from '../../access/authorize.js';
import type { CommandDeps } from '../../commands/deps.js';
import { requestHash } from '../../commands/idempotency.js';
import { recordDetentionFinding } from '../../commands/record-detention-finding.js';
import { canonicalJson } from '../../domain/incident-aggregate.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import { parseIdempotencyKey } from '../../http/headers.js';
import { isProblem, problem, sendProblem } from '../../http/problem.js';
import { answerHeaders, notSaved, sendRefusal } from '../../http/respond.js';
import type { AppEnv, AppRouteHandler } from '../../http/types.js';
import { detentionReview } from '../../queries/detention-review.js';
import { detentionDetail, listDetentions, type DetentionFilter } from '../../queries/detentions.js';
import { adrReturn, recordsCsv, tableCsv } from '../../reports/adr-return.js';
import { detentionListCsv } from '../../reports/detention-list-csv.js';
import { detentionRecord, detentionRecordHtml } from '../../reports/detention-record.js';
import { reasonLabel } from './disclosure.js';
import type { DetentionRoutes } from './detentions.routes.js';

/** Every detention matching `q`, page by page (for a CSV that is not paged). */
export function allDetentions(deps: CommandDeps, now: Date, q: DetentionFilter) {
  const items: ReturnType<typeof listDetentions>['items'] = [];
  let after: [string, string] | null = null;
  for (;;) {
    const page = listDetentions(deps.db, now, { ...q, order: 'newest', limit: 500 }, after);
    items.push(...page.items);
    if (!page.next) return items;
    after = page.next;
  }
}

export function detentionHandlers(deps: CommandDeps) {
  const list: AppRouteHandler<DetentionRoutes['list']> = async (c) => {
    const q = c.req.valid('query');
    const now = deps.clock.now();
    if (q.format === 'csv') {
      const items = allDetentions(deps, now, q);
      const access = await authorizeDisclosure(c, 'detention.review', {
        action: 'detentions.csv',
        records: items.map((d) => ({ type: 'detention', id: d.id })),
        params: { format: 'csv', from: q.from, to: q.to, flag: q.flag, outcome: q.outcome, reviewed: q.reviewed },
      });
      if (!access.ok) return sendProblem(c, access.problem);
      return c.body(detentionListCsv(items), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="detentions_${now.toISOString().slice(0, 10)}.csv"`,
      });
    }
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    if (q.cursor && (!after || q.order !== 'newest'))
      return sendProblem(
        c,
        problem(
          400,
          'BAD_CURSOR',
          'Invalid cursor',
          "cursor must be a nextCursor value returned by this endpoint (order 'newest')",
        ),
      );
    const { items, total, next, reviewed } = listDetentions(deps.db, now, q, after);
    const access = await authorize(c, 'detention.read', {
      action: 'detentions.list',
      records: items.map((d) => ({ type: 'detention', id: d.id, closedAt: d.closedAt })),
      params: { status: q.status ?? null, open: q.open ?? null, from: q.from ?? null, to: q.to ?? null },
    });
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json(
      { items, total, reviewed, nextCursor: next ? encodeCursor(...next) : null, now: now.toISOString() },
      200,
    );
  };

  const get: AppRouteHandler<DetentionRoutes['get']> = async (c) => {
    const { id } = c.req.valid('param');
    const detention = detentionDetail(deps.db, deps.clock.now(), id);
    if (!detention)
      return sendProblem(c, problem(404, 'DETENTION_NOT_FOUND', 'Unknown detention', `no detention with id ${id}`));
    const access = await authorize(c, 'detention.read', {
      action: 'detention.get',
      records: [{ type: 'detention', id, closedAt: detention.closedAt }],
    });
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json(detention, 200, { ETag: `"${detention.version}"` });
  };

  const unknown = (c: Context<AppEnv>, id: string) =>
    sendProblem(c, problem(404, 'DETENTION_NOT_FOUND', 'Unknown detention', `no detention with id ${id}`));

  const review: AppRouteHandler<DetentionRoutes['review']> = async (c) => {
    const { id } = c.req.valid('param');
    const r = detentionReview(deps.db, deps.clock.now(), id, deps.config.force.timezone);
    if (!r) return unknown(c, id);
    const access = await authorize(c, 'detention.review', {
      action: 'detention.review',
      records: [
        { type: 'detention', id },
        { type: 'incident', id: r.detention.incidentId },
      ],
    });
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json(r, 200);
  };

  const recordFinding: AppRouteHandler<DetentionRoutes['recordFinding']> = async (c) => {
    const { id } = c.req.valid('param');
    const key = parseIdempotencyKey(c.req.header('idempotency-key'));
    if (isProblem(key)) return sendProblem(c, key);
    const input = c.req.valid('json');
    const user = c.get('user');
    const hash = key === null ? '' : requestHash('POST', `/api/detentions/${id}/findings`, canonicalJson(input));
    const r = recordDetentionFinding(
      deps,
      { actor: { id: user.id, role: user.role }, idempotencyKey: key, requestHash: hash },
      id,
      input,
    );
    if (!r.ok) return sendRefusal(c, r.refusal);
    const failed = await notSaved(deps);
    if (failed) return sendProblem(c, failed);
    return c.json(r.body, 201, answerHeaders(r));
  };

  const exportRecord: AppRouteHandler<DetentionRoutes['exportRecord']> = async (c) => {
    const { id } = c.req.valid('param');
    const { format } = c.req.valid('query');
    const out = await exportDetention(deps, c, id, format);
    if (!out) return unknown(c, id);
    if (!out.ok) return sendProblem(c, out.problem);
    if (format === 'html') return c.html(out.html(), 200, { 'cache-control': 'no-store' });
    return c.json(out.record, 200, {
      'content-disposition': `attachment; filename="detention-${id}.json"`,
      'cache-control': 'no-store',
    });
  };

  const adr: AppRouteHandler<DetentionRoutes['adr']> = async (c) => {
    const q = c.req.valid('query');
    const r = adrReturn(deps.db, deps.config, q.year);
    const recordLevel = q.format === 'json' || q.table === 'records';
    const access = await authorize(c, 'adr.records', {
      action: 'adr.return',
      kind: q.format === 'csv' ? 'disclosure' : 'consultation',
      records: recordLevel ? r.records.map((d) => ({ type: 'detention', id: d.detentionId })) : [],
      params: { year: q.year, format: q.format, table: q.table },
      log: recordLevel,
    });
    if (!access.ok) return sendProblem(c, access.problem);
    if (q.format === 'json') return c.json(r, 200);
    const csv = q.table === 'records' ? recordsCsv(r) : tableCsv(r, q.table);
    const filename = `adr-s136-${deps.config.force.code.toLowerCase()}-${q.year}-${q.table}.csv`;
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    });
  };

  return { list, get, adr, review, recordFinding, exportRecord };
}

/**
 * A detention's record for the IOPC or a coroner, authorized and written to the access log as a
 * disclosure with its justification before it is handed over (the API's export and the console's
 * share it). Null when there is no such detention; nothing is logged then.
 */
export async function exportDetention(
  deps: CommandDeps,
  c: Context<AppEnv>,
  id: string,
  format: 'json' | 'html',
  /** A console form's reason; the API's comes from X-Access-Reason. */
  why?: AccessReason | null,
) {
  const r = detentionReview(deps.db, deps.clock.now(), id, deps.config.force.timezone);
  if (!r) return null;
  const access = await authorizeDisclosure(c, 'detention.review', {
    action: 'detention.export',
    ...(why === undefined ? {} : { reason: why }),
    records: [
      { type: 'detention', id },
      { type: 'incident', id: r.detention.incidentId },
    ],
    params: { format },
  });
  if (!access.ok) return access;
  const user = c.get('user');
  const record = detentionRecord(r, deps.config, {
    exportedAt: deps.clock.now().toISOString(),
    exportedBy: { id: user.id, name: user.name, role: user.role },
    purpose: access.purpose,
    purposeLabel: reasonLabel(deps.config, access.purpose),
    justification: access.reason?.text ?? null,
  });
  return { ok: true as const, record, html: () => detentionRecordHtml(record, deps.config) };
}
