/** Parsing of the concurrency headers, with errors that say what to send instead. */
import { problem, type Problem } from './problem.js';

/** `If-Match: "3"` (also accepts W/"3" and a bare 3). */
export function parseIfMatch(raw: string | undefined): number | Problem<400 | 428> {
  if (raw === undefined || raw.trim() === '') {
    return problem(
      428,
      'IF_MATCH_REQUIRED',
      'If-Match required',
      'send If-Match with the version you last read (the ETag of GET /api/incidents/:id), e.g. If-Match: "3"',
    );
  }
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!m)
    return problem(400, 'BAD_IF_MATCH', 'Invalid If-Match', 'If-Match must be an incident version in quotes, e.g. "3"');
  return Number(m[1]);
}

/** `Idempotency-Key`: optional; 1–200 visible ASCII characters. */
export function parseIdempotencyKey(raw: string | undefined): string | null | Problem<400> {
  if (raw === undefined) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(raw)) {
    return problem(
      400,
      'BAD_IDEMPOTENCY_KEY',
      'Invalid Idempotency-Key',
      'Idempotency-Key must be 1 to 200 visible ASCII characters (a UUID is ideal)',
    );
  }
  return raw;
}
