/** Every /api request (but the OpenAPI document) carries a bearer token mapped to a user. */
import type { MiddlewareHandler } from 'hono';
import type { Db } from '../../db/client.js';
import { problem, problemBody } from '../http/problem.js';
import type { AppEnv } from '../http/types.js';
import { tokenAuthenticator } from './tokens.js';

export function requireUser(db: Db): MiddlewareHandler<AppEnv> {
  const authenticate = tokenAuthenticator(db);
  return async (c, next) => {
    const header = c.req.header('authorization');
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const user = m ? authenticate(m[1]!) : null;
    if (!user) {
      const p = problem(
        401,
        'UNAUTHENTICATED',
        'Authentication required',
        m
          ? 'the bearer token is not valid (unknown, revoked or for a disabled user)'
          : 'send Authorization: Bearer <token> (create one with npm run token)',
      );
      return c.json(problemBody(p), 401, {
        'WWW-Authenticate': 'Bearer realm="mh-triage"',
        'content-type': 'application/problem+json',
      });
    }
    c.set('user', user);
    await next();
  };
}
