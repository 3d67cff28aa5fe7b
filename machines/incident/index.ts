/**
 * The incident machine: one per incident, the parent of its referrals, resource assignments and
 * detentions (see src/domain/incident-aggregate.ts). The public surface: vocabulary, the machine,
 * its rules and clocks, and the questions the aggregate asks of it.
 */
import { acceptedEventTypes, allowedBy, firstViolation, type Violation } from '../kit.js';
import { incidentDeadlineViolation } from './clock.js';
import { type IncidentContext, type IncidentEvent, type IncidentEventType, SYSTEM_EVENT_TYPES } from './events.js';
import type { IncidentSnapshot } from './machine.js';
import { incidentRules } from './rules.js';

export * from './events.js';
export * from './rules.js';
export * from './clock.js';
export { reduceIncident } from './reduce.js';
export { incidentMachine, type IncidentSnapshot } from './machine.js';

/** Why `e` would be refused by the rules (not by the state), or null if it would be accepted. */
export function incidentRuleViolation(ctx: IncidentContext, e: IncidentEvent): Violation | null {
  if (e.type === 'DEADLINE_REACHED') return incidentDeadlineViolation(ctx, e.deadlineKey);
  return firstViolation(incidentRules, ctx, e);
}

/** The leaf state name a person reads ("graded", "partnerResponse", "closed"). */
export function incidentStateName(s: IncidentSnapshot): string {
  const value = s.value;
  if (typeof value === 'string') return value;
  const open = (value as { open?: string }).open;
  return open ?? 'unknown';
}

/** Event types the current state accepts whose `when` rules hold (for `allowedEvents`). */
export const incidentAllowedEvents = (s: IncidentSnapshot): IncidentEventType[] =>
  allowedBy(
    incidentRules,
    s.context,
    acceptedEventTypes(s),
    s.context.lastOccurredAt,
    SYSTEM_EVENT_TYPES,
  ) as IncidentEventType[];

/** True when the state chart has a transition for this event type in the current state. */
export const incidentAccepts = (s: IncidentSnapshot, type: IncidentEventType): boolean =>
  acceptedEventTypes(s).includes(type);
