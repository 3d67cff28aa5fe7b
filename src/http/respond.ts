/** Turning command results and problems into HTTP responses, in one place. */
import type { Context } from 'hono';
import type { CommandDeps, CommandResult } from '../commands/deps.js';
import { problem, problemBody, type Problem } from './problem.js';

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

/**
 * Answer a command only once what it wrote is durable (group commit: its batch has committed).
 * If the commit failed, nothing of it was stored: say so, and that a retry is safe.
 */
export async function sendDurable(
  c: Context,
  deps: CommandDeps,
  r: CommandResult,
  headers: Record<string, string> = {},
): Promise<Response> {
  if (r.ok && deps.uow) {
    try {
      await deps.uow.durable();
    } catch {
      return sendProblem(
        c,
        problem(
          503,
          'NOT_SAVED',
          'Not saved',
          'the database could not commit this change, so nothing was saved; it is safe to retry the same request',
        ),
      );
    }
  }
  return sendResult(c, r, headers);
}
