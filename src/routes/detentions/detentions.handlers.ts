/** Detention and ADR return handlers, each typed by its route; the reads live in src/queries and src/reports. */
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppRouteHandler } from '../../http/types.js';
import type { CommandDeps } from '../../commands/deps.js';
import { detentionDetail, listDetentions } from '../../queries/detentions.js';
import { adrReturn, recordsCsv, tableCsv } from '../../reports/adr-return.js';
import type { DetentionRoutes } from './detentions.routes.js';

export function detentionHandlers(deps: CommandDeps) {
  const list: AppRouteHandler<DetentionRoutes['list']> = (c) => {
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
    return c.json({ items, total, nextCursor: next ? encodeCursor(...next) : null, now: now.toISOString() }, 200);
  };

  const get: AppRouteHandler<DetentionRoutes['get']> = (c) => {
    const { id } = c.req.valid('param');
    const detention = detentionDetail(deps.db, deps.clock.now(), id);
    if (!detention)
      return sendProblem(c, problem(404, 'DETENTION_NOT_FOUND', 'Unknown detention', `no detention with id ${id}`));
    return c.json(detention, 200, { ETag: `"${detention.version}"` });
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

  return { list, get, adr };
}
