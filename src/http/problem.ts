/**
 * Errors a person can act on (ARCHITECTURE principle 6), as RFC 9457 problem+json:
 * 400 malformed, 401 unauthenticated, 404 unknown id, 409 stale version, 422 rule violation naming
 * the rule and the events allowed now. Nothing here ever echoes personal data back.
 *
 * A problem keeps its status as a literal type, so a handler typed against its route
 * (`AppRouteHandler<typeof route>`) only compiles when the route declares that status.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Change } from '../commands/refusal.js';

export interface Problem<S extends ContentfulStatusCode = ContentfulStatusCode> {
  status: S;
  title: string;
  detail: string;
  code: string;
  rule?: string | null;
  allowedEvents?: string[];
  state?: string;
  currentVersion?: number;
  changes?: Change[];
  issues?: Array<{ path: string; message: string }>;
}

export const problem = <S extends ContentfulStatusCode>(
  status: S,
  code: string,
  title: string,
  detail: string,
  extra: Partial<Omit<Problem, 'status'>> = {},
): Problem<S> => ({
  status,
  code,
  title,
  detail,
  ...extra,
});

export const isProblem = (x: unknown): x is Problem =>
  typeof x === 'object' && x !== null && 'status' in x && 'code' in x && 'detail' in x;

export const problemBody = <S extends ContentfulStatusCode>(p: Problem<S>) => ({ type: `about:blank#${p.code}`, ...p });

export const PROBLEM_JSON = 'application/problem+json';

/** The problem as the response, typed by its status (c.json with the problem+json media type). */
export function sendProblem<S extends ContentfulStatusCode>(
  c: Context,
  p: Problem<S>,
  headers: Record<string, string> = {},
) {
  return c.json(problemBody(p), p.status, { ...headers, 'Content-Type': PROBLEM_JSON });
}
