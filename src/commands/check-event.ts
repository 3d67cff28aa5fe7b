/**
 * "Would this be accepted now?" — the same translation and machine transition as recordEvent, on
 * the incident as stored, with nothing written. A form asks it before it is sent (e.g. an RCRP
 * decision whose threshold answers make a handover unlawful without a supervisor override), so the
 * answer is the machine's own, never a second copy of a rule.
 */
import { applyToAggregate, restoreAggregate, type AggregateEvent } from '../domain/incident-aggregate.js';
import type { IncidentEventInput } from '../domain/incident-inputs.js';
import type { CommandDeps, CommandMeta } from './deps.js';
import { incidentStore } from './incident-store.js';
import { isRefusal, notFound, type NotFound, type TranslationRefusal } from './refusal.js';
import { refusedByRule, withStanding } from './run-command.js';
import { toMachineEvent } from './translate-event.js';

/** The refusal `input` would get now, or null when it would be accepted. */
export function checkEvent(
  deps: CommandDeps,
  actor: CommandMeta['actor'],
  incidentId: string,
  input: IncidentEventInput,
): NotFound | TranslationRefusal | null {
  const row = incidentStore(deps.db).load(incidentId);
  if (!row) return notFound('INCIDENT_NOT_FOUND', 'Unknown incident', `no incident with id ${incidentId}`);
  const before = restoreAggregate(row.snapshot);
  const body = toMachineEvent(deps, before, input);
  if (isRefusal(body)) return body.kind === 'ruleViolation' ? withStanding(body, before) : body;
  const event = {
    ...body,
    seq: before.version + 1,
    occurredAt: input.occurredAt,
    recordedAt: deps.clock.now().toISOString(),
    actor,
  } as AggregateEvent;
  const r = applyToAggregate(before, event);
  return r.ok ? null : refusedByRule(r.violation, before);
}
