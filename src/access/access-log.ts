/**
 * Writing the access log (DPA 2018 s.62): who consulted or disclosed which records, when, under
 * which operation, for what purpose, and whether it was shown or refused; sign-ins and sign-outs;
 * administration of users and tokens. The operational event log already records collection and
 * alteration (the actor of every event); this log adds consultation and disclosure.
 *
 * Ids and codes only: a row names users and records by id, purposes by code, and carries query
 * parameters that are themselves codes or dates. Nothing of a record is ever copied into it.
 * The table and its records table are append-only (triggers refuse UPDATE and DELETE).
 */
import type { Db } from '../../db/client.js';
import type { Clock } from '../clock.js';
import type { CommandDeps } from '../commands/deps.js';
import { defaultUnitOfWork } from '../commands/unit-of-work.js';
import { prepared } from '../reports/sql.js';
import type { Operation } from './policy.js';

/** alteration: only refused attempts are logged here (what was changed is in the event log with its actor). */
export type AccessKind = 'consultation' | 'disclosure' | 'alteration' | 'signIn' | 'signOut' | 'administration';
export type AccessOutcome = 'shown' | 'refused' | 'succeeded';
/** The kinds of record a row can name. */
export type RecordType = 'incident' | 'detention' | 'alert' | 'referral' | 'user';
export interface RecordRef {
  type: RecordType;
  id: string;
}

/** The user id a failed sign-in is logged under when it named no known user. */
export const ANONYMOUS = 'anonymous';

export interface AccessEntry {
  userId: string;
  role: string;
  kind: AccessKind;
  /** What exactly was done: incident.get, incidents.list, report.demand, referral.email, signIn … */
  action: string;
  operation: Operation | null;
  outcome: AccessOutcome;
  records?: readonly RecordRef[] | undefined;
  /** liveHandling, a configured reason code, or the operation's own purpose. */
  purpose?: string | null | undefined;
  /** The free text given with a reason code. */
  justification?: string | null | undefined;
  /** A disclosure's recipient: user:<id> or agency:<code>. */
  recipient?: string | null | undefined;
  /** The problem code of a refusal. */
  refusal?: string | null | undefined;
  /** Codes and dates only (filters, periods, formats). */
  params?: Record<string, unknown> | undefined;
  requestId?: string | null | undefined;
}

const INSERT =
  'INSERT INTO access_audit (at, user_id, role, action, params, incident_id, outcome, kind, operation, purpose, ' +
  'justification, recipient, refusal, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_RECORD = 'INSERT OR IGNORE INTO access_audit_records (audit_id, record_type, record_id) VALUES (?, ?, ?)';

/**
 * Writes one row now, inside whatever transaction is open (a command's, when a disclosure is a
 * side effect of an event). Returns the row's id.
 */
export function writeAccess(deps: { db: Db; clock: Clock }, e: AccessEntry): number {
  const records = e.records ?? [];
  const incidents = records.filter((r) => r.type === 'incident');
  const { lastInsertRowid } = prepared(deps.db, INSERT).run(
    deps.clock.now().toISOString(),
    e.userId,
    e.role,
    e.action,
    JSON.stringify(e.params ?? {}),
    // The column older rows used: kept filled when the row is about one incident.
    incidents.length === 1 ? incidents[0]!.id : null,
    e.outcome,
    e.kind,
    e.operation,
    e.purpose ?? null,
    e.justification ?? null,
    e.recipient ?? null,
    e.refusal ?? null,
    e.requestId ?? null,
  );
  const id = Number(lastInsertRowid);
  const insertRecord = prepared(deps.db, INSERT_RECORD);
  for (const r of records) insertRecord.run(id, r.type, r.id);
  return id;
}

/**
 * Writes one row in its own unit of work (joining the group commit when there is one) and resolves
 * once it is durable: what is shown is shown only once its consultation is on disk. Rejects when the
 * commit failed, so the caller shows nothing.
 */
export async function logAccess(deps: CommandDeps, e: AccessEntry): Promise<void> {
  const uow = deps.uow ?? defaultUnitOfWork(deps.db.$client);
  uow.run(() => {
    writeAccess(deps, e);
    return { ok: true };
  });
  await uow.durable();
}
