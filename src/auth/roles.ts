/** Per-route role checks, where an issue names who may do something (e.g. "CRUD for admins"). */
import type { Context } from 'hono';
import type { UserRole } from '../../machines/kit.js';
import { problem, sendProblem } from '../http/problem.js';
import type { AppEnv } from '../http/types.js';

/** A 403 response when the user's role is not one of `roles`, else null (typed: its route must declare 403). */
export function forbidUnless(c: Context<AppEnv>, roles: readonly UserRole[], what: string) {
  const role = c.get('user').role;
  if (roles.includes(role)) return null;
  return sendProblem(
    c,
    problem(
      403,
      'FORBIDDEN',
      'Not allowed for your role',
      `${what} needs the role ${roles.join(' or ')}; you are ${role}`,
    ),
  );
}
