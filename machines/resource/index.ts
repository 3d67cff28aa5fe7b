/**
 * The time ledger: one child machine per resource assignment inside an incident, keyed
 * by its assignment id. The public surface: vocabulary, the machine, its rules, clocks and the
 * questions the incident's aggregate asks of every child.
 */
import { acceptedEventTypes, allowedBy, firstViolation, type Violation } from '../kit.js';
import { RESOURCE_SYSTEM_EVENT_TYPES, type ResourceContext, type ResourceEvent } from './events.js';
import type { ResourceSnapshot } from './machine.js';
import { resourceRules } from './rules.js';

export * from './events.js';
export * from './rules.js';
export * from './clock.js';
export { reduceResource } from './reduce.js';
export { resourceMachine, type ResourceSnapshot } from './machine.js';

/** The rule `e` would break for this assignment, or null. */
export const resourceRuleViolation = (ctx: ResourceContext, e: ResourceEvent): Violation | null =>
  firstViolation(resourceRules, ctx, e);

/** Event types a user could send to this assignment now. */
export const resourceAllowedEvents = (s: ResourceSnapshot): string[] => {
  const c = s.context;
  const latest = c.clearedAt ?? c.arrivedAt ?? c.dispatchedAt;
  return allowedBy(resourceRules, c, acceptedEventTypes(s), latest, RESOURCE_SYSTEM_EVENT_TYPES);
};
