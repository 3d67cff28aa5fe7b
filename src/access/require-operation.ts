/**
 * The check the alert and live-feed routes make: 403 unless the user's role is granted the operation
 * outright by the policy matrix (src/access/policy.ts). One small function, so the shared access
 * helper (which adds the force's narrowing and the access log) can replace it in one place.
 */
import type { Context } from 'hono';
import { problem, sendProblem } from '../http/problem.js';
import type { AppEnv } from '../http/types.js';
import { BUILT_IN_POLICY, grantOf, MATRIX, type Operation } from './policy.js';

export function forbidUnlessGranted(c: Context<AppEnv>, op: Operation) {
  const role = c.get('user').role;
  if (grantOf(BUILT_IN_POLICY, role, op) === 'allow') return null;
  return sendProblem(
    c,
    problem(403, 'FORBIDDEN', 'Not allowed for your role', `${MATRIX[op].what} is not allowed for the role ${role}`),
  );
}
