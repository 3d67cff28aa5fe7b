/**
 * Disclosures from the MH lead's work (ACCESS.md "Justification"): a detention's record exported for
 * the IOPC or a coroner, the detention list downloaded as CSV. A disclosure needs its justification —
 * a reason code and optional free text ("courtOrCoroner; inquest"), X-Access-Reason on the API, a
 * form field on the console — and is written to the access log with its recipient (the signed-in
 * user who downloads it). `recordDisclosure` is the one place the MH lead's disclosures are logged;
 * the record is handed over only once that row is durable.
 */
import type { CommandDeps } from '../../commands/deps.js';
import { problem, type Problem } from '../../http/problem.js';
import { auditAccess } from '../../reports/access-audit.js';

/** The reason codes a person may give (the access configuration's list). */
export const DISCLOSURE_REASONS = [
  { code: 'followUp', label: 'Follow-up of this incident' },
  { code: 'detentionReview', label: 'Review of a detention' },
  { code: 'complaintOrIopc', label: 'Complaint or IOPC referral' },
  { code: 'courtOrCoroner', label: 'Court or coroner' },
  { code: 'safeguarding', label: 'Safeguarding' },
  { code: 'dataQuality', label: 'Data quality correction' },
] as const;

export interface Justification {
  code: string;
  text: string | null;
}

/** `code; free text` → the justification; a 428 when there is none, a 400 for an unknown code. */
export function parseJustification(raw: string | undefined | null): Justification | Problem<428> | Problem<400> {
  const value = (raw ?? '').trim();
  if (value === '')
    return problem(
      428,
      'ACCESS_REASON_REQUIRED',
      'A reason is required',
      `a disclosure needs its justification: send X-Access-Reason with one of ${codes()}, then optional free text ` +
        '(e.g. "courtOrCoroner; inquest")',
    );
  const at = value.indexOf(';');
  const code = (at < 0 ? value : value.slice(0, at)).trim();
  const text = at < 0 ? '' : value.slice(at + 1).trim();
  if (!DISCLOSURE_REASONS.some((r) => r.code === code))
    return problem(
      400,
      'UNKNOWN_ACCESS_REASON',
      'Unknown reason',
      `'${code}' is not a reason code; use one of ${codes()}`,
      {
        issues: [{ path: 'header.x-access-reason', message: `one of ${codes()}` }],
      },
    );
  return { code, text: text === '' ? null : text };
}

const codes = () => DISCLOSURE_REASONS.map((r) => r.code).join(', ');

export interface Disclosure {
  user: { id: string; role: string };
  /** What was disclosed: detention.export, detentions.csv … */
  action: string;
  justification: Justification;
  /** Codes and dates only (format, filters): never a record's content. */
  params: Record<string, unknown>;
  detentionIds: readonly string[];
  incidentId?: string | null;
}

/** Writes the disclosure to the access log (durable before it resolves); the recipient is the user. */
export async function recordDisclosure(deps: CommandDeps, d: Disclosure): Promise<void> {
  await auditAccess(deps, {
    userId: d.user.id,
    role: d.user.role,
    action: d.action,
    params: {
      ...d.params,
      kind: 'disclosure',
      purpose: d.justification.code,
      justification: d.justification.text,
      recipient: `user:${d.user.id}`,
      detentions: d.detentionIds.length <= 20 ? d.detentionIds : `${d.detentionIds.length} detentions`,
    },
    incidentId: d.incidentId ?? null,
    outcome: 'shown',
  });
}
