/**
 * Detention and ADR return handlers, each typed by its route; the reads live in src/queries and
 * src/reports. Every answer with record-level data is authorized and logged (src/access/authorize.ts).
 */
import { authorize } from '../../access/authorize.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppRouteHandler } from '../../http/types.js';
import type { CommandDeps } from '../../commands/deps.js';
import { detentionDetail, listDetentions } from '../../queries/detentions.js';
import { adrReturn, recordsCsv, tableCsv } from '../../reports/adr-return.js';
import type { DetentionRoutes } from './detentions.routes.js';

export function detentionHandlers(deps: CommandDeps) {
  const list: AppRouteHandler<DetentionRoutes['list']> = async (c) => {
    const q = c.req.valid('query');
    const now = deps.clock.now();
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
    const { items, total, next } = listDetentions(deps.db, now, q, after);
    const access = await authorize(c, 'detention.read', {
      action: 'detentions.list',
      records: items.map((d) => ({ type: 'detention', id: d.id, closedAt: d.closedAt })),
      params: { status: q.status ?? null, open: q.open ?? null, from: q.from ?? null, to: q.to ?? null },
    });
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json({ items, total, nextCursor: next ? encodeCursor(...next) : null, now: now.toISOString() }, 200);
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

  return { list, get, adr };
}
