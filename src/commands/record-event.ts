/** A user records a step on an incident: the general command behind POST /api/incidents/:id/events. */
import { allowedEvents, restoreAggregate, stateName, type AggregateEvent } from '../domain/incident-aggregate.js';
import type { IncidentEventInput } from '../domain/incident-inputs.js';
import { incidentView } from '../domain/incident-view.js';
import { problem } from '../http/problem.js';
import type { CommandDeps, CommandMeta, CommandResult } from './deps.js';
import { incidentStore } from './incident-store.js';
import { isProblem } from './machine-events.js';
import { toMachineEvent } from './translate-event.js';
import { commitEvent, inTransaction } from './run-command.js';

export interface RecordEventRequest {
  incidentId: string;
  /** The version the client last saw (If-Match); null only for system commands. */
  ifMatch: number | null;
  input: IncidentEventInput;
}

export function recordEvent(deps: CommandDeps, meta: CommandMeta, req: RecordEventRequest): CommandResult {
  return inTransaction(deps, meta, () => {
    const row = incidentStore(deps.db).load(req.incidentId);
    if (!row)
      return {
        ok: false,
        problem: problem(404, 'INCIDENT_NOT_FOUND', 'Unknown incident', `no incident with id ${req.incidentId}`),
      };
    if (req.ifMatch !== null && req.ifMatch !== row.version) {
      return {
        ok: false,
        problem: problem(
          409,
          'STALE_VERSION',
          'Incident changed since you read it',
          `you sent If-Match "${req.ifMatch}" but the incident is at version ${row.version}; reload it and decide ` +
            `again`,
          {
            currentVersion: row.version,
          },
        ),
      };
    }
    const before = restoreAggregate(row.snapshot);
    const body = toMachineEvent(deps, before, req.input);
    if (isProblem(body)) {
      // A refusal by a translator (e.g. an inactive agency) says what is allowed now, like the machines' refusals.
      const p =
        body.status === 422
          ? { ...body, allowedEvents: allowedEvents(before), state: stateName(before), currentVersion: before.version }
          : body;
      return { ok: false, problem: p };
    }
    const event = {
      ...body,
      seq: before.version + 1,
      occurredAt: req.input.occurredAt,
      recordedAt: deps.clock.now().toISOString(),
      actor: meta.actor,
    } as AggregateEvent;
    const r = commitEvent(deps, before, event, meta.idempotencyKey);
    if (!r.ok) return r;
    return { ok: true, status: 200, body: incidentView(r.state), etag: `"${r.state.version}"`, replayed: false };
  });
}
