/**
 * Detention, review and ADR return handlers, each typed by its route; the reads live in src/queries
 * and src/reports, the MH lead's finding goes through the command path (src/commands), and every
 * disclosure of a record (CSV, the record for the IOPC or a coroner) is logged by disclosure.ts.
 */
import type { Context } from 'hono';
import { forbidUnlessGranted } from '../../access/require-operation.js';
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
import { DISCLOSURE_REASONS, parseJustification, recordDisclosure } from './disclosure.js';
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
      const why = parseJustification(c.req.header('x-access-reason'));
      if (isProblem(why)) return sendProblem(c, why);
      const items = allDetentions(deps, now, q);
      await recordDisclosure(deps, {
        user: c.get('user'),
        action: 'detentions.csv',
        justification: why,
        params: { format: 'csv', from: q.from, to: q.to, flag: q.flag, outcome: q.outcome, reviewed: q.reviewed },
        detentionIds: items.map((d) => d.id),
      });
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
    return c.json(
      { items, total, reviewed, nextCursor: next ? encodeCursor(...next) : null, now: now.toISOString() },
      200,
    );
  };

  const get: AppRouteHandler<DetentionRoutes['get']> = (c) => {
    const { id } = c.req.valid('param');
    const detention = detentionDetail(deps.db, deps.clock.now(), id);
    if (!detention)
      return sendProblem(c, problem(404, 'DETENTION_NOT_FOUND', 'Unknown detention', `no detention with id ${id}`));
    return c.json(detention, 200, { ETag: `"${detention.version}"` });
  };

  const unknown = (c: Context<AppEnv>, id: string) =>
    sendProblem(c, problem(404, 'DETENTION_NOT_FOUND', 'Unknown detention', `no detention with id ${id}`));

  const review: AppRouteHandler<DetentionRoutes['review']> = (c) => {
    const denied = forbidUnlessGranted(c, 'detention.review');
    if (denied) return denied;
    const { id } = c.req.valid('param');
    const r = detentionReview(deps.db, deps.clock.now(), id, deps.config.force.timezone);
    if (!r) return unknown(c, id);
    return c.json(r, 200);
  };

  const recordFinding: AppRouteHandler<DetentionRoutes['recordFinding']> = async (c) => {
    const denied = forbidUnlessGranted(c, 'detention.review');
    if (denied) return denied;
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
    const denied = forbidUnlessGranted(c, 'detention.review');
    if (denied) return denied;
    const { id } = c.req.valid('param');
    const { format } = c.req.valid('query');
    const why = parseJustification(c.req.header('x-access-reason'));
    if (isProblem(why)) return sendProblem(c, why);
    const out = exportDetention(deps, c, id, format, why);
    if (!out) return unknown(c, id);
    await out.logged;
    if (format === 'html') return c.html(out.html(), 200, { 'cache-control': 'no-store' });
    return c.json(out.record, 200, {
      'content-disposition': `attachment; filename="detention-${id}.json"`,
      'cache-control': 'no-store',
    });
  };

  const adr: AppRouteHandler<DetentionRoutes['adr']> = (c) => {
    const q = c.req.valid('query');
    const r = adrReturn(deps.db, deps.config, q.year);
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
 * A detention's record for the IOPC or a coroner, and its disclosure written to the access log (the
 * API's export and the console's share it). Null when there is no such detention; nothing is logged then.
 */
export function exportDetention(
  deps: CommandDeps,
  c: Context<AppEnv>,
  id: string,
  format: 'json' | 'html',
  why: { code: string; text: string | null },
) {
  const r = detentionReview(deps.db, deps.clock.now(), id, deps.config.force.timezone);
  if (!r) return null;
  const user = c.get('user');
  const record = detentionRecord(r, deps.config, {
    exportedAt: deps.clock.now().toISOString(),
    exportedBy: { id: user.id, name: user.name, role: user.role },
    purpose: why.code,
    purposeLabel: DISCLOSURE_REASONS.find((x) => x.code === why.code)?.label ?? why.code,
    justification: why.text,
  });
  const logged = recordDisclosure(deps, {
    user,
    action: 'detention.export',
    justification: why,
    params: { format },
    detentionIds: [id],
    incidentId: r.detention.incidentId,
  });
  return { record, logged, html: () => detentionRecordHtml(record, deps.config) };
}
