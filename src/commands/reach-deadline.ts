/** The scheduler tells an incident that one of its clocks ran out (system actor, no If-Match). */
import { restoreAggregate, type AggregateEvent } from '../domain/incident-aggregate.js';
import type { CommandDeps, CommandResult } from './deps.js';
import { SYSTEM_ACTOR } from './deps.js';
import { incidentStore } from './incident-store.js';
import { commitEvent, inTransaction } from './run-command.js';

export function reachDeadline(
  deps: CommandDeps,
  incidentId: string,
  deadlineKey: string,
  dueAt: string,
): CommandResult {
  return inTransaction(deps, { actor: SYSTEM_ACTOR, idempotencyKey: null, requestHash: '' }, () => {
    const row = incidentStore(deps.db).load(incidentId);
    if (!row) return { ok: true, status: 204, body: null, etag: null, replayed: false };
    const before = restoreAggregate(row.snapshot);
    const event = {
      type: 'DEADLINE_REACHED',
      deadlineKey,
      seq: before.version + 1,
      // The world-time of a deadline is when it fell due, however late the sweep ran.
      occurredAt: dueAt,
      recordedAt: deps.clock.now().toISOString(),
      actor: SYSTEM_ACTOR,
    } satisfies AggregateEvent;
    const r = commitEvent(deps, before, event, null);
    if (!r.ok) return r;
    return { ok: true, status: 200, body: null, etag: `"${r.state.personVersion}"`, replayed: false };
  });
}
