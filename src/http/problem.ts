/**
 * Errors a person can act on (ARCHITECTURE principle 6), as RFC 9457 problem+json:
 * 400 malformed, 401 unauthenticated, 404 unknown id, 409 stale version, 422 rule violation naming
 * the rule and the events allowed now. Nothing here ever echoes personal data back.
 */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  code: string;
  rule?: string | null;
  allowedEvents?: string[];
  state?: string;
  currentVersion?: number;
  issues?: Array<{ path: string; message: string }>;
}

export const problem = (
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Partial<Problem> = {},
): Problem => ({
  status,
  code,
  title,
  detail,
  ...extra,
});

export const problemBody = (p: Problem) => ({ type: `about:blank#${p.code}`, ...p });
