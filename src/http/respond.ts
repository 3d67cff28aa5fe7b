/** Turning command results and problems into HTTP responses, in one place. */
import type { Context } from 'hono';
import type { CommandResult } from '../commands/deps.js';
import { problemBody, type Problem } from './problem.js';

export function sendProblem(c: Context, p: Problem): Response {
  return c.body(JSON.stringify(problemBody(p)), p.status as 400, { 'content-type': 'application/problem+json' });
}

export function sendResult(c: Context, r: CommandResult, headers: Record<string, string> = {}): Response {
  if (!r.ok) return sendProblem(c, r.problem);
  const h: Record<string, string> = { ...headers };
  if (r.etag) h.ETag = r.etag;
  if (r.replayed) h['Idempotent-Replayed'] = 'true';
  return c.json(r.body as object, r.status as 200, h);
}
