/** A user records a step on an incident: the general command behind POST /api/incidents/:id/events. */
import { restoreAggregate, type AggregateEvent } from '../domain/incident-aggregate.js';
import type { IncidentEventInput } from '../domain/incident-inputs.js';
import { incidentView, type IncidentView } from '../domain/incident-view.js';
import type { CommandDeps, CommandMeta, CommandResult } from './deps.js';
import { incidentStore } from './incident-store.js';
import {
  isRefusal,
  notFound,
  staleVersion,
  type TranslationRefusal,
  type NotFound,
  type StaleVersion,
} from './refusal.js';
import { toMachineEvent } from './translate-event.js';
import { commitEvent, inTransaction, withStanding } from './run-command.js';

export interface RecordEventRequest {
  incidentId: string;
  /** The version the client last saw (If-Match); null only for system commands. */
  ifMatch: number | null;
  input: IncidentEventInput;
}

export type RecordEventRefusal = NotFound | StaleVersion | TranslationRefusal;

export function recordEvent(deps: CommandDeps, meta: CommandMeta, req: RecordEventRequest) {
  return inTransaction(deps, meta, (): CommandResult<IncidentView, RecordEventRefusal> => {
    const row = incidentStore(deps.db).load(req.incidentId);
    if (!row)
      return {
        ok: false,
        refusal: notFound('INCIDENT_NOT_FOUND', 'Unknown incident', `no incident with id ${req.incidentId}`),
      };
    // Compared with the version people see: the system's own events since the client read do not make it stale.
    if (req.ifMatch !== null && req.ifMatch !== row.personVersion) {
      const changes = incidentStore(deps.db).changesSince(req.incidentId, req.ifMatch);
      return { ok: false, refusal: staleVersion('incident', req.ifMatch, row.personVersion, changes) };
    }
    const before = restoreAggregate(row.snapshot);
    const body = toMachineEvent(deps, before, req.input);
    if (isRefusal(body)) {
      // A refusal by a translator (e.g. an inactive agency) says what is allowed now, like the machines' refusals.
      return { ok: false, refusal: body.kind === 'ruleViolation' ? withStanding(body, before) : body };
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
    return { ok: true, status: 200, body: incidentView(r.state), etag: `"${r.state.personVersion}"`, replayed: false };
  });
}
