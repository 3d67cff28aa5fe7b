/**
 * Reading the access log for an auditor: rows filtered by user, by record and by period, oldest
 * first, a page at a time (keyset on the row id), each with the records it names and the user's
 * name joined from `users` (the log itself stores ids only).
 */
import type { Db } from '../../db/client.js';
import { prepared } from '../reports/sql.js';
import type { RecordType } from '../access/access-log.js';

export interface AccessLogFilter {
  user?: string | undefined;
  record?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** The id of the last row of the previous page. */
  afterId?: number | undefined;
  limit: number;
}

export interface AccessLogEntry {
  id: number;
  at: string;
  userId: string;
  userName: string | null;
  role: string;
  kind: string;
  action: string;
  operation: string | null;
  records: Array<{ type: RecordType; id: string }>;
  purpose: string | null;
  justification: string | null;
  recipient: string | null;
  outcome: string;
  refusal: string | null;
  params: Record<string, unknown>;
  requestId: string | null;
}

interface Row {
  id: number;
  at: string;
  user_id: string;
  user_name: string | null;
  role: string;
  kind: string;
  action: string;
  operation: string | null;
  purpose: string | null;
  justification: string | null;
  recipient: string | null;
  outcome: string;
  refusal: string | null;
  params: string;
  request_id: string | null;
}

export function readAccessLog(db: Db, f: AccessLogFilter): { items: AccessLogEntry[]; nextAfterId: number | null } {
  const where: string[] = ['a.id > ?'];
  const args: unknown[] = [f.afterId ?? 0];
  const filter = (clause: string, value: unknown) => {
    where.push(clause);
    args.push(value);
  };
  if (f.user) filter('a.user_id = ?', f.user);
  if (f.record) filter('a.id IN (SELECT audit_id FROM access_audit_records WHERE record_id = ?)', f.record);
  if (f.from) filter('a.at >= ?', new Date(f.from).toISOString());
  if (f.to) filter('a.at < ?', new Date(f.to).toISOString());
  const rows = db.$client
    .prepare(
      `SELECT a.id, a.at, a.user_id, u.name AS user_name, a.role, a.kind, a.action, a.operation, a.purpose,
              a.justification, a.recipient, a.outcome, a.refusal, a.params, a.request_id
       FROM access_audit a LEFT JOIN users u ON u.id = a.user_id
       WHERE ${where.join(' AND ')} ORDER BY a.id LIMIT ?`,
    )
    .all(...args, f.limit + 1) as Row[];
  const page = rows.slice(0, f.limit);
  const recordsOf = prepared(
    db,
    'SELECT record_type AS type, record_id AS id FROM access_audit_records WHERE audit_id = ? ORDER BY rowid',
  );
  const items = page.map(
    (r): AccessLogEntry => ({
      id: r.id,
      at: r.at,
      userId: r.user_id,
      userName: r.user_name,
      role: r.role,
      kind: r.kind,
      action: r.action,
      operation: r.operation,
      records: recordsOf.all(r.id) as AccessLogEntry['records'],
      purpose: r.purpose,
      justification: r.justification,
      recipient: r.recipient,
      outcome: r.outcome,
      refusal: r.refusal,
      params: JSON.parse(r.params) as Record<string, unknown>,
      requestId: r.request_id,
    }),
  );
  return { items, nextAfterId: rows.length > f.limit ? page.at(-1)!.id : null };
}
