/** Turning command results and refusals into HTTP responses, in one place. */
import type { Context } from 'hono';
import type { CommandDeps } from '../commands/deps.js';
import type { Refusal } from '../commands/refusal.js';
import { problem, sendProblem, type Problem } from './problem.js';
import { refusalProblem } from './refusal.js';

export const sendRefusal = <R extends Refusal>(c: Context, r: R) => sendProblem(c, refusalProblem(r));

/** The headers of a command's answer: its version for If-Match, and whether it is a replay of the first answer. */
export function answerHeaders(r: { etag: string | null; replayed: boolean }): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.etag) h.ETag = r.etag;
  if (r.replayed) h['Idempotent-Replayed'] = 'true';
  return h;
}

/**
 * Answer a command only once what it wrote is durable (group commit: its batch has committed).
 * If the commit failed, nothing of it was stored: the problem to answer instead says so, and that
 * a retry is safe. Null when the answer may be sent.
 */
export async function notSaved(deps: CommandDeps): Promise<Problem<503> | null> {
  if (!deps.uow) return null;
  try {
    await deps.uow.durable();
    return null;
  } catch {
    return problem(
      503,
      'NOT_SAVED',
      'Not saved',
      'the database could not commit this change, so nothing was saved; it is safe to retry the same request',
    );
  }
}
