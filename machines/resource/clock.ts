/**
 * The time ledger's clocks: none. An assignment measures time (its segments) but nothing falls due
 * on it; the attendance target belongs to the incident. Kept so every machine has the same shape,
 * and so the incident's aggregate can ask every child the same question.
 */
import type { DeadlineSpec } from '../kit.js';
import type { ResourceContext } from './events.js';

export const resourceDeadlines = (_ctx: ResourceContext): DeadlineSpec[] => [];
