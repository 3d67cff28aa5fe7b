/**
 * One referral to a partner agency inside an incident (a child machine keyed by its referral id).
 * The public surface: vocabulary, the machine, its rules and clocks, and the questions the
 * incident's aggregate asks of every child (what breaks a rule, what may be sent now, what the
 * incident hears, which clocks to watch, whether it blocks closure).
 */
import { acceptedEventTypes, allowedBy, firstViolation, stateValue, type Violation } from '../kit.js';
import { referralDeadlineViolation } from './clock.js';
import { REFERRAL_SYSTEM_EVENT_TYPES, type ReferralContext, type ReferralEvent } from './events.js';
import type { ReferralSnapshot } from './machine.js';
import { referralRules } from './rules.js';

export * from './events.js';
export * from './rules.js';
export * from './clock.js';
export { reduceReferral } from './reduce.js';
export { referralMachine, type ReferralSnapshot } from './machine.js';

/**
 * The rule `e` would break, or null. A deadline is judged against the state the referral is in
 * (`state`); without it, a deadline is left to the chart's guard.
 */
export function referralRuleViolation(ctx: ReferralContext, e: ReferralEvent, state?: string): Violation | null {
  if (e.type === 'DEADLINE_REACHED')
    return state === undefined ? null : referralDeadlineViolation(state, ctx, e.deadlineKey);
  return firstViolation(referralRules, ctx, e, state);
}

/** Event types a user could send to this referral now. */
export const referralAllowedEvents = (s: ReferralSnapshot): string[] =>
  allowedBy(referralRules, s.context, acceptedEventTypes(s), s.context.lastOccurredAt, REFERRAL_SYSTEM_EVENT_TYPES);

export const referralStateName = (s: ReferralSnapshot): string => stateValue(s);
