/**
 * One Mental Health Act detention (s.136, or a s.135(1)/(2) warrant) inside an incident: a child
 * machine keyed by its detention id. The public surface: vocabulary, the machine, its rules and
 * clocks, and the questions the incident's aggregate asks of every child.
 */
import { acceptedEventTypes, allowedBy, firstViolation, stateValue, type Violation } from '../kit.js';
import { detentionDeadlineViolation } from './clock.js';
import { DETENTION_SYSTEM_EVENT_TYPES, type DetentionContext, type DetentionEvent } from './events.js';
import { type DetentionSnapshot, detentionMachine } from './machine.js';
import { detentionRules } from './rules.js';

export * from './events.js';
export * from './rules.js';
export * from './clock.js';
export { reduceDetention } from './reduce.js';
export { detentionMachine, type DetentionSnapshot } from './machine.js';
/** The detention machine under the name the rest of the code has used since it covered s.136 only. */
export const s136Machine = detentionMachine;

/** Why `e` would be refused by the rules (not by the state), or null. */
export function detentionRuleViolation(ctx: DetentionContext, e: DetentionEvent): Violation | null {
  if (e.type === 'DEADLINE_REACHED') return detentionDeadlineViolation(ctx, e.deadlineKey);
  return firstViolation(detentionRules, ctx, e);
}

export const detentionStateName = (s: DetentionSnapshot): string => stateValue(s);

/**
 * Event types a user could send now: what the state accepts, less what the rules rule out for an
 * event happening at the latest moment on record (a welfare check away from a police station,
 * police leaving before NHS acceptance, anything implying detention after expiry …).
 */
export const detentionAllowedEvents = (s: DetentionSnapshot): string[] =>
  allowedBy(detentionRules, s.context, acceptedEventTypes(s), s.context.lastAt, DETENTION_SYSTEM_EVENT_TYPES);
