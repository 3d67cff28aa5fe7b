/**
 * Every view of a report, an evidence pack or a high-intensity marker is recorded (R41, R44):
 * who, which role, what, with which parameters, and whether it was shown or refused. The row is
 * written through the unit of work and is durable before the answer is sent.
 */
import type { CommandDeps } from '../commands/deps.js';
import { defaultUnitOfWork } from '../commands/unit-of-work.js';
import { prepared } from './sql.js';

export interface AuditEntry {
  userId: string;
  role: string;
  action: string;
  params: Record<string, unknown>;
  incidentId?: string | null;
  outcome: 'shown' | 'refused';
}

export async function auditAccess(deps: CommandDeps, entry: AuditEntry): Promise<void> {
  const insert = prepared(
    deps.db,
    'INSERT INTO access_audit (at, user_id, role, action, params, incident_id, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const uow = deps.uow ?? defaultUnitOfWork(deps.db.$client);
  uow.run(() => {
    insert.run(
      deps.clock.now().toISOString(),
      entry.userId,
      entry.role,
      entry.action,
      JSON.stringify(entry.params),
      entry.incidentId ?? null,
      entry.outcome,
    );
    return { ok: true, status: 200, body: null, etag: null, replayed: false };
  });
  await uow.durable();
}
