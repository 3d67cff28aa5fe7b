/**
 * Every /api request (but the OpenAPI document) carries a bearer token mapped to a user. A token
 * that does not authenticate gets 401 saying why (unknown, expired, revoked, disabled user), and
 * counts against the client address's failed authentications (429 with Retry-After over the limit).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import type { Db } from '../../db/client.js';
import type { Clock } from '../clock.js';
import { problem, problemBody, sendProblem } from '../http/problem.js';
import type { AppEnv } from '../http/types.js';
import type { FailedAuthenticationLimit } from './failed-authentication.js';
import { tokenAuthentication, tokenRefusalText } from './tokens.js';

const BEARER = /^Bearer\s+(\S+)$/i;

export function requireUser(db: Db, clock: Clock, limit?: FailedAuthenticationLimit): MiddlewareHandler<AppEnv> {
  const authenticate = tokenAuthentication(db, clock);
  const check: MiddlewareHandler<AppEnv> = async (c, next) => {
    const m = BEARER.exec(c.req.header('authorization') ?? '');
    const result = m ? authenticate(m[1]!) : null;
    if (!result?.ok) {
      const p = problem(
        401,
        'UNAUTHENTICATED',
        'Authentication required',
        result ? tokenRefusalText(result) : 'send Authorization: Bearer <token> (create one with npm run token)',
      );
      return c.json(problemBody(p), 401, {
        'WWW-Authenticate': 'Bearer realm="mh-triage"',
        'content-type': 'application/problem+json',
      });
    }
    c.set('user', result.user);
    await next();
  };
  if (!limit) return check;
  // A credential that was sent and refused is a failed authentication; a request without one is not.
  const failed = (c: Context<AppEnv>) => c.res.status === 401 && c.req.header('authorization') !== undefined;
  const guard = limit.guard(failed, (c, seconds) =>
    sendProblem(
      c,
      problem(
        429,
        'TOO_MANY_FAILED_AUTHENTICATIONS',
        'Too many failed authentications',
        `too many refused credentials from this address; try again in ${seconds} s`,
      ),
      { 'Retry-After': String(seconds) },
    ),
  );
  return every(guard, check);
}
