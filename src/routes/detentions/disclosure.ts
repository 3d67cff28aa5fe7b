/**
 * Disclosures from the MH lead's work (a detention's record exported for the IOPC or a coroner, the
 * detention list downloaded as CSV) always need their justification, whatever the record's age: a
 * reason code from the force's configuration (`access.reasons`) and optional free text — X-Access-Reason
 * on the API, the reason fields of a console form. `authorizeDisclosure` (src/access/authorize.ts) then
 * decides and writes the disclosure to the access log before anything is handed over; this reads a form.
 */
import { type AccessReason, parseAccessReason } from '../../access/authorize.js';
import type { AccessConfig } from '../../config/schema.js';
import { problem, type Problem } from '../../http/problem.js';

type Config = { access: AccessConfig };

const missing = (config: Config): Problem<428> =>
  problem(
    428,
    'ACCESS_REASON_REQUIRED',
    'A reason is required',
    'a disclosure needs its justification: send X-Access-Reason with one of ' +
      `${config.access.reasons.map((r) => r.code).join(', ')}, then optional free text ` +
      '(e.g. "courtOrCoroner; inquest")',
  );

/** A console form's `reason` (a code) and `why` (free text), read as X-Access-Reason would be. */
export function disclosureReasonFromForm(
  config: Config,
  form: Record<string, unknown>,
): AccessReason | Problem<400> | Problem<428> {
  const code = typeof form.reason === 'string' ? form.reason.trim() : '';
  if (code === '') return missing(config);
  return parseAccessReason(config, code, typeof form.why === 'string' ? form.why : null);
}

/** The label a person chose the reason by (for the exported record's cover). */
export const reasonLabel = (config: Config, code: string) =>
  config.access.reasons.find((r) => r.code === code)?.label ?? code;
