/**
 * GET /api/audit/access, typed by its route: the access log for the auditor, as JSON or CSV. The
 * read is itself written to the log (a CSV as a disclosure to the auditor).
 */
import { stringify } from 'csv-stringify/sync';
import { authorize } from '../../access/authorize.js';
import type { CommandDeps } from '../../commands/deps.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppRouteHandler } from '../../http/types.js';
import { readAccessLog, type AccessLogEntry } from '../../queries/access-log.js';
import type { ReadRoute } from './access-log.routes.js';

const CSV_COLUMNS = [
  'id',
  'at',
  'userId',
  'userName',
  'role',
  'kind',
  'action',
  'operation',
  'records',
  'purpose',
  'justification',
  'recipient',
  'outcome',
  'refusal',
  'requestId',
] as const;

function csvOf(items: AccessLogEntry[]): string {
  return stringify(
    items.map((e) =>
      CSV_COLUMNS.map((k) =>
        k === 'records' ? e.records.map((r) => `${r.type}:${r.id}`).join(' ') : String(e[k] ?? ''),
      ),
    ),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

const encode = (id: number) => Buffer.from(String(id)).toString('base64url');
const decode = (cursor: string) => {
  const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

export function accessLogHandlers(deps: CommandDeps) {
  const read: AppRouteHandler<ReadRoute> = async (c) => {
    const q = c.req.valid('query');
    const afterId = q.cursor ? decode(q.cursor) : undefined;
    if (afterId === null)
      return sendProblem(
        c,
        problem(400, 'BAD_CURSOR', 'Invalid cursor', 'cursor must be a nextCursor value returned by this endpoint', {
          issues: [{ path: 'query.cursor', message: 'not a cursor of this endpoint' }],
        }),
      );
    if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to))
      return sendProblem(
        c,
        problem(400, 'BAD_RANGE', 'Invalid range', 'from must be before to', {
          issues: [{ path: 'query.from', message: 'must be before to' }],
        }),
      );
    const page = readAccessLog(deps.db, { ...q, afterId });
    const csv = q.format === 'csv' || (q.format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
    const access = await authorize(c, 'accessLog.read', {
      action: 'accessLog.read',
      kind: csv ? 'disclosure' : 'consultation',
      params: {
        user: q.user ?? null,
        record: q.record ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
        cursor: q.cursor ?? null,
        format: csv ? 'csv' : 'json',
      },
    });
    if (!access.ok) return sendProblem(c, access.problem);
    const nextCursor = page.nextAfterId === null ? null : encode(page.nextAfterId);
    if (csv)
      return c.body(csvOf(page.items), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="access-log-${deps.clock.now().toISOString().slice(0, 10)}.csv"`,
        ...(nextCursor ? { 'x-next-cursor': nextCursor } : {}),
      });
    return c.json({ items: page.items, nextCursor }, 200);
  };
  return { read };
}
