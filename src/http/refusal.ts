/**
 * A command's refusal (src/commands/refusal.ts) as the problem a client receives: each kind of
 * refusal has one status, so the status a route can answer follows from what its command can refuse.
 */
import type { Refusal, RefusalKind } from '../commands/refusal.js';
import { problem, type Problem } from './problem.js';

export const REFUSAL_STATUS = {
  invalid: 400,
  notFound: 404,
  conflict: 409,
  staleVersion: 409,
  ruleViolation: 422,
  keyReused: 422,
} as const satisfies Record<RefusalKind, number>;

export type RefusalStatus<R extends Refusal> = (typeof REFUSAL_STATUS)[R['kind']];

export function refusalProblem<R extends Refusal>(r: R): Problem<RefusalStatus<R>> {
  const status: RefusalStatus<R> = REFUSAL_STATUS[r.kind as R['kind']];
  switch (r.kind) {
    case 'invalid':
      return problem(status, r.code, r.title, r.message, { issues: r.issues });
    case 'staleVersion':
      return problem(status, r.code, r.title, r.message, {
        currentVersion: r.currentVersion,
        ...(r.changes ? { changes: r.changes } : {}),
      });
    case 'ruleViolation': {
      const { rule, allowedEvents, state, currentVersion } = r;
      if (allowedEvents === undefined) return problem(status, r.code, r.title, r.message, { rule });
      return problem(status, r.code, r.title, r.message, { rule, allowedEvents, state, currentVersion });
    }
    default:
      return problem(status, r.code, r.title, r.message);
  }
}
