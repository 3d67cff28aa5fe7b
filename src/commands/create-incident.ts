/** A call becomes an incident: the first event of a new stream. */
import { randomUUID } from 'node:crypto';
import { emptyAggregate, type AggregateEvent } from '../domain/incident-aggregate.js';
import type { CreateIncidentInput } from '../domain/incident-inputs.js';
import { incidentView, type IncidentView } from '../domain/incident-view.js';
import type { CommandDeps, CommandMeta, CommandResult } from './deps.js';
import { incidentStore } from './incident-store.js';
import { buildSubject, incidentPolicy, priorContactWindow } from './machine-events.js';
import { conflict, isRefusal, type Conflict, type Invalid, type RuleViolation } from './refusal.js';
import { commitEvent, inTransaction } from './run-command.js';

export type CreateIncidentRefusal = Invalid | Conflict | RuleViolation;

export function createIncident(deps: CommandDeps, meta: CommandMeta, input: CreateIncidentInput) {
  return inTransaction(deps, meta, (): CommandResult<IncidentView, CreateIncidentRefusal> => {
    const store = incidentStore(deps.db);
    if (input.reference) {
      const existing = store.incidentWithReference(input.reference);
      if (existing) {
        return {
          ok: false,
          refusal: conflict(
            'REFERENCE_EXISTS',
            'Reference already used',
            `incident ${existing} already has reference ${input.reference}`,
          ),
        };
      }
    }
    const id = randomUUID();
    const subject = input.subject ? buildSubject(deps.config, deps.keyer, input.subject, input.receivedAt) : null;
    if (isRefusal(subject)) return { ok: false, refusal: subject };
    const window = priorContactWindow(deps.config, input.receivedAt);
    const event = {
      type: 'INCIDENT_CREATED',
      seq: 1,
      occurredAt: input.receivedAt,
      recordedAt: deps.clock.now().toISOString(),
      actor: meta.actor,
      incidentId: id,
      reference: input.reference ?? null,
      channel: input.channel,
      category: input.category,
      district: input.district ?? null,
      locationClass: input.locationClass ?? null,
      mhFlagAtCall: input.mhFlagAtCall,
      summary: input.summary ?? null,
      location: input.location ?? null,
      subject,
      priorContacts: subject ? store.priorContacts(subject.personKeys, id, window.from, window.to) : [],
      policy: incidentPolicy(deps.config, input.category),
    } satisfies AggregateEvent;
    const r = commitEvent(deps, emptyAggregate(), event, meta.idempotencyKey);
    if (!r.ok) return r;
    return { ok: true, status: 201, body: incidentView(r.state), etag: `"${r.state.personVersion}"`, replayed: false };
  });
}
