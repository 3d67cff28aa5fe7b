/**
 * The one command path (ARCHITECTURE principle 3). Atomically (a transaction, or a savepoint in a
 * group commit — see unit-of-work.ts): idempotency check → load → version check → pure transition
 * → append event → write projections → apply effects (queue emails; effects.ts) → remember the
 * answer. A refusal writes nothing.
 */
import { project, projectRows, type Projection, type ProjectionRows } from '../domain/projection.js';
import {
  allowedEvents,
  applyToAggregate,
  stateName,
  type AggregateEvent,
  type AggregateState,
} from '../domain/incident-aggregate.js';
import type { Violation } from '../../machines/kit.js';
import type { IncidentNotice } from '../live/change-feed.js';
import { announce } from './announce.js';
import type { CommandDeps, CommandMeta, CommandResult } from './deps.js';
import { applyEffects } from './effects.js';
import { idempotencyStore } from './idempotency.js';
import { incidentStore } from './incident-store.js';
import { ruleViolation, type KeyReused, type RuleViolation } from './refusal.js';
import { defaultUnitOfWork } from './unit-of-work.js';

export function inTransaction<T, R>(
  deps: CommandDeps,
  meta: CommandMeta,
  work: () => CommandResult<T, R>,
): CommandResult<T, R | KeyReused> {
  return (deps.uow ?? defaultUnitOfWork(deps.db.$client)).run((): CommandResult<T, R | KeyReused> => {
    const idem = idempotencyStore(deps.db);
    if (meta.idempotencyKey) {
      const prior = idem.get(meta.actor.id, meta.idempotencyKey);
      if (prior) {
        if (prior.requestHash !== meta.requestHash) {
          return {
            ok: false,
            refusal: {
              kind: 'keyReused',
              code: 'IDEMPOTENCY_KEY_REUSED',
              title: 'Idempotency key reused',
              message: 'this Idempotency-Key was already used for a different request; use a new key for a new request',
            },
          };
        }
        // The stored answer is the one this same command gave the first time.
        const body = JSON.parse(prior.body) as T;
        return { ok: true, status: prior.status, body, etag: prior.etag, replayed: true };
      }
    }
    const result = work();
    if (result.ok && meta.idempotencyKey) {
      idem.put(
        meta.actor.id,
        meta.idempotencyKey,
        { requestHash: meta.requestHash, status: result.status, body: JSON.stringify(result.body), etag: result.etag },
        deps.clock.now().toISOString(),
      );
    }
    return result;
  });
}

/** A rule's refusal, with where the incident stands (once it exists) and the events allowed now. */
export function refusedByRule(v: Violation, s: AggregateState): RuleViolation {
  return withStanding(ruleViolation(v), s);
}

/** What a person needs to choose again: the events allowed now, the state and the version (not before creation). */
export function withStanding(r: RuleViolation, s: AggregateState): RuleViolation {
  if (s.version === 0) return r;
  return { ...r, allowedEvents: allowedEvents(s), state: stateName(s), currentVersion: s.personVersion };
}

/** Apply, append and project one event. The caller is inside `inTransaction`. */
export function commitEvent(
  deps: CommandDeps,
  before: AggregateState,
  event: AggregateEvent,
  idempotencyKey: string | null,
): { ok: true; state: AggregateState } | { ok: false; refusal: RuleViolation } {
  const r = applyToAggregate(before, event);
  if (!r.ok) return { ok: false, refusal: refusedByRule(r.violation, before) };
  const store = incidentStore(deps.db);
  const id = r.state.incident.context.incidentId;
  store.append(id, event, idempotencyKey);
  // Only the child rows of the state before are compared, so its incident row (and snapshot) is not built.
  const beforeProjection = before.version > 0 ? projectRows(before) : null;
  const afterProjection = project(r.state);
  store.writeProjection(beforeProjection, afterProjection);
  // Emails and other promised side effects, in the same transaction (see effects.ts).
  applyEffects(
    deps,
    { deps, before, event, after: r.state, beforeRows: beforeProjection, afterProjection },
    event.recordedAt,
  );
  // Open consoles hear of it once it is committed (announce.ts).
  announce(deps, incidentNotice(event, afterProjection, beforeProjection));
  return { ok: true, state: r.state };
}

/** What the live feed says of a committed event: ids, codes and the alerts it raised, nothing else. */
function incidentNotice(event: AggregateEvent, after: Projection, before: ProjectionRows | null): IncidentNotice {
  const known = new Set((before?.alerts ?? []).map((a) => a.id));
  return {
    kind: 'incident',
    incidentId: after.incident.id,
    reference: after.incident.reference ?? null,
    event: event.type,
    actorRole: event.actor.role,
    version: after.incident.personVersion ?? 0,
    seq: after.incident.version,
    state: after.incident.state,
    status: after.incident.status as 'open' | 'closed',
    alertsRaised: after.alerts
      .filter((a) => !known.has(a.id))
      .map((a) => ({ id: a.id, rule: a.rule, severity: a.severity })),
  };
}
