/**
 * The one helper every route handler and server-rendered page uses to decide access and log it
 * (ACCESS.md). It asks the policy in force (the built-in matrix narrowed by `access.narrow`), applies
 * the justification rule (a record closed longer than `access.closedRecordGraceHours` needs a
 * reason) and writes the access-log row — shown or refused — before anything is shown: a handler
 * answers only once its row is durable.
 *
 *   const access = await authorize(c, 'incident.read', {
 *     action: 'incident.get',
 *     records: [{ type: 'incident', id, closedAt: incident.closedAt }],
 *   });
 *   if (!access.ok) return sendProblem(c, access.problem); // 403, 428 (reason needed) or 400 (bad reason)
 *
 * API callers give a reason in `X-Access-Reason: <code>; <free text>`; a page passes the reason the
 * person chose in its form as `reason` (see `reasonNeeded` and `parseAccessReason`). Refusals are
 * problems (RFC 9457) a page can show in its own words. Session users and token users are the same
 * `c.var.user` here, so both go through exactly the same decision.
 */
import type { Context } from 'hono';
import type { AccessConfig } from '../config/schema.js';
import type { CommandDeps } from '../commands/deps.js';
import { problem, type Problem } from '../http/problem.js';
import type { AppEnv } from '../http/types.js';
import { logAccess, type RecordRef } from './access-log.js';
import {
  type CLOSED_READ,
  closedReadOf,
  eventOperations,
  grantOf,
  MATRIX,
  rolesGranted,
  type Grant,
  type Operation,
  type Policy,
} from './policy.js';

/** What the app puts in `c.var.access` for the helpers below. */
export interface AccessControl {
  deps: CommandDeps;
  policy: Policy;
}

export const ACCESS_REASON_HEADER = 'X-Access-Reason';

/** A justification: a configured reason code and optional free text. */
export interface AccessReason {
  code: string;
  text: string | null;
}

/** The most free text kept with a reason (a justification, not a statement). */
export const MAX_REASON_TEXT = 200;

export type AccessRefusal = Problem<400> | Problem<403> | Problem<428>;
/** What refusing `O` can answer: 428 only for a read that becomes a closed read (CLOSED_READ). */
export type RefusalOf<O extends Operation> = O extends keyof typeof CLOSED_READ
  ? AccessRefusal
  : Problem<400> | Problem<403>;

export type Access<O extends Operation = Operation> =
  | {
      ok: true;
      grant: Grant;
      /** The operation that decided: a read of a closed record is its closed-read operation. */
      operation: Operation;
      /** What the access log recorded as the purpose. */
      purpose: string;
      reason: AccessReason | null;
      /** The role sees aggregates with small-number suppression only (R44). */
      suppressed: boolean;
    }
  | { ok: false; problem: RefusalOf<O> };

/** A record a handler is about to show or hand over; `closedAt` (null: open) decides whether a reason is needed. */
export type RecordAccess = RecordRef & { closedAt?: string | null | undefined };

export interface AccessRequest {
  /** What exactly is done (the access log's `action`), e.g. incident.get; default: the operation. */
  action?: string;
  /** A disclosure hands record-level data over (a download, an export); default: consultation. */
  kind?: 'consultation' | 'disclosure';
  records?: readonly RecordAccess[];
  /** Codes and dates only: they are written to the access log. */
  params?: Record<string, unknown>;
  /** A disclosure's recipient (default: the user, `user:<id>`). */
  recipient?: string;
  /** A page's reason from its form; the API's comes from X-Access-Reason when this is absent. */
  reason?: AccessReason | null;
  /** false: decide, and log only a refusal (for what shows no personal data, e.g. a change of the directory). */
  log?: boolean;
  /** Set by `authorizeDisclosure`: a justification is needed whatever the grant or the record's age. */
  requireReason?: boolean;
}

/** Each logged operation's purpose when no reason is given. */
const OPERATION_PURPOSE: Partial<Record<Operation, string>> = {
  'incident.read': 'liveHandling',
  'detention.read': 'liveHandling',
  'alert.read': 'liveHandling',
  'handover.audit': 'handoverAudit',
  'adr.records': 'adrReturn',
  'detention.review': 'detentionReview',
  'reports.read': 'demandEvidence',
  'volumes.manage': 'demandEvidence',
  'accessLog.read': 'accessAudit',
  'users.manage': 'administration',
};

const control = (c: Context<AppEnv>): AccessControl => {
  const a = c.get('access');
  if (!a) throw new Error('the access control is not set on this app (createApp sets it)');
  return a;
};

/** The reason codes and their labels a person can choose from (for a page's form). */
export const reasonChoices = (config: { access: AccessConfig }) => config.access.reasons;

/** A reason as a code and free text (a page's form, or X-Access-Reason's parts), checked against the configuration. */
export function parseAccessReason(
  config: { access: AccessConfig },
  code: string,
  text: string | null | undefined,
): AccessReason | Problem<400> {
  const codes = config.access.reasons.map((r) => r.code);
  const c = code.trim();
  if (!codes.includes(c))
    return problem(
      400,
      'ACCESS_REASON_INVALID',
      'Unknown access reason',
      `the reason code '${c.slice(0, 40)}' is not one of ${codes.join(', ')}`,
      { issues: [{ path: 'header.x-access-reason', message: `one of ${codes.join(', ')}` }] },
    );
  const t = (text ?? '').replace(/\p{Cc}/gu, ' ').trim();
  if (t.length > MAX_REASON_TEXT)
    return problem(
      400,
      'ACCESS_REASON_INVALID',
      'Access reason too long',
      `the free text after the reason code is at most ${MAX_REASON_TEXT} characters`,
      { issues: [{ path: 'header.x-access-reason', message: `at most ${MAX_REASON_TEXT} characters of text` }] },
    );
  return { code: c, text: t || null };
}

/** X-Access-Reason (`code; free text`), or null when the request has none. */
export function headerReason(c: Context<AppEnv>, config: { access: AccessConfig }): AccessReason | Problem<400> | null {
  const raw = c.req.header(ACCESS_REASON_HEADER);
  if (raw === undefined || raw.trim() === '') return null;
  const at = raw.indexOf(';');
  return parseAccessReason(config, at < 0 ? raw : raw.slice(0, at), at < 0 ? null : raw.slice(at + 1));
}

/** Whether a record closed at `closedAt` is past the grace period at `now` (and so needs a reason). */
export function closedPastGrace(closedAt: string | null | undefined, now: Date, config: { access: AccessConfig }) {
  if (!closedAt) return false;
  return now.getTime() - Date.parse(closedAt) > config.access.closedRecordGraceHours * 3_600_000;
}

/** The operation that decides reading `records` under `op`: its closed-read variant when one is closed past grace. */
function effectiveOperation(ac: AccessControl, op: Operation, records: readonly RecordAccess[]): Operation {
  const closed = closedReadOf(op);
  if (!closed) return op;
  const now = ac.deps.clock.now();
  return records.some((r) => closedPastGrace(r.closedAt, now, ac.deps.config)) ? closed : op;
}

/** The 403 for a role without a grant of `op`, naming the roles that have one. */
export function roleRefusal(policy: Policy, role: string, op: Operation): Problem<403> {
  const may = rolesGranted(policy, op);
  return problem(
    403,
    'ROLE_NOT_ALLOWED',
    'Not allowed for your role',
    `the role '${role}' may not do this (${MATRIX[op].what}); ` +
      (may.length ? `roles that may: ${may.join(', ')}` : 'no role may in this force'),
  );
}

const reasonRequired = (ac: AccessControl): Problem<428> => {
  const codes = ac.deps.config.access.reasons.map((r) => r.code);
  return problem(
    428,
    'ACCESS_REASON_REQUIRED',
    'A reason is needed to read a closed record',
    `this record was closed more than ${ac.deps.config.access.closedRecordGraceHours} hours ago: say why you read ` +
      `it with the header ${ACCESS_REASON_HEADER}: <code>; <optional text>, the code one of ${codes.join(', ')}`,
  );
};

const justificationRequired = (ac: AccessControl): Problem<428> => {
  const codes = ac.deps.config.access.reasons.map((r) => r.code);
  return problem(
    428,
    'ACCESS_REASON_REQUIRED',
    'A reason is required',
    `a disclosure needs its justification: send ${ACCESS_REASON_HEADER}: <code>; <optional text>, the code one of ` +
      `${codes.join(', ')} (e.g. "courtOrCoroner; inquest")`,
  );
};

/** The role's grant of `op` in the policy in force, or null: for deciding what a page offers (logs nothing). */
export function grantFor(c: Context<AppEnv>, op: Operation): Grant | null {
  const user = c.get('user');
  return user ? grantOf(control(c).policy, user.role, op) : null;
}

/**
 * Whether showing `records` under `op` needs a reason the person has not given yet: a page asks for
 * one (from `reasons`) before showing a closed record. Logs nothing.
 */
export function reasonNeeded(
  c: Context<AppEnv>,
  op: Operation,
  records: readonly RecordAccess[],
): { needed: false } | { needed: true; reasons: AccessConfig['reasons'] } {
  const ac = control(c);
  const user = c.get('user');
  const effective = effectiveOperation(ac, op, records);
  if (!user || grantOf(ac.policy, user.role, effective) !== 'reason') return { needed: false };
  return { needed: true, reasons: ac.deps.config.access.reasons };
}

/**
 * Decide whether the signed-in user (session or token) may do `op` on `records`, write the access-log
 * row (shown or refused) and wait until it is durable. See the header of this file.
 */
export async function authorize<O extends Operation>(
  c: Context<AppEnv>,
  op: O,
  req: AccessRequest = {},
): Promise<Access<O>> {
  const ac = control(c);
  const { deps } = ac;
  const user = c.get('user');
  const records = req.records ?? [];
  const effective = effectiveOperation(ac, op, records);
  const kind = req.kind ?? 'consultation';
  const entry = {
    userId: user?.id ?? 'anonymous',
    role: user?.role ?? 'none',
    kind,
    action: req.action ?? op,
    operation: effective,
    records: records.map(({ type, id }) => ({ type, id })),
    params: req.params,
    requestId: c.get('requestId') ?? null,
  } as const;
  const refuse = async (p: AccessRefusal): Promise<Access<O>> => {
    await logAccess(deps, { ...entry, outcome: 'refused', refusal: p.code });
    return { ok: false, problem: p as RefusalOf<O> };
  };

  const grant = user ? grantOf(ac.policy, user.role, effective) : null;
  if (!grant) return refuse(roleRefusal(ac.policy, user?.role ?? 'none', effective));
  let reason = req.reason ?? null;
  if (req.reason === undefined) {
    const given = headerReason(c, deps.config);
    if (given && 'status' in given) return refuse(given);
    reason = given;
  }
  if ((grant === 'reason' || req.requireReason) && !reason)
    return refuse(req.requireReason ? justificationRequired(ac) : reasonRequired(ac));
  const purpose = reason?.code ?? OPERATION_PURPOSE[effective] ?? OPERATION_PURPOSE[op] ?? effective;
  if (req.log !== false)
    await logAccess(deps, {
      ...entry,
      outcome: 'shown',
      purpose,
      justification: reason?.text ?? null,
      recipient: kind === 'disclosure' ? (req.recipient ?? `user:${user!.id}`) : null,
    });
  return { ok: true, grant, operation: effective, purpose, reason, suppressed: grant === 'suppressed' };
}

/**
 * `authorize` for a disclosure that always needs its justification (a record exported for the IOPC or
 * a coroner, a record-level download): 428 without a reason, logged like every refusal.
 */
export async function authorizeDisclosure(
  c: Context<AppEnv>,
  op: Operation,
  req: Omit<AccessRequest, 'kind' | 'requireReason'>,
): Promise<Access<keyof typeof CLOSED_READ>> {
  return (await authorize(c, op, { ...req, kind: 'disclosure', requireReason: true })) as Access<
    keyof typeof CLOSED_READ
  >;
}

/**
 * Whether the user may send `event` (each command event type needs its operation; an RCRP decision
 * with an override needs the R9 override as well). An event type with no entry is refused. A refusal
 * is logged; an allowed event is not (the event log records it with its actor).
 */
export async function authorizeEvent(
  c: Context<AppEnv>,
  event: { type: string; override?: unknown },
  incidentId: string | null,
): Promise<Access<'incident.manage'>> {
  const ac = control(c);
  const user = c.get('user');
  const ops = eventOperations(event);
  const refusedOp = ops ? ops.find((op) => !user || !grantOf(ac.policy, user.role, op)) : null;
  if (ops && !refusedOp)
    return {
      ok: true,
      grant: 'allow',
      operation: ops.at(-1)!,
      purpose: 'liveHandling',
      reason: null,
      suppressed: false,
    };
  const p = refusedOp
    ? roleRefusal(ac.policy, user?.role ?? 'none', refusedOp)
    : problem(403, 'EVENT_NOT_ALLOWED', 'Not allowed', `no role may send '${String(event.type).slice(0, 60)}'`);
  await logAccess(ac.deps, {
    userId: user?.id ?? 'anonymous',
    role: user?.role ?? 'none',
    kind: 'alteration',
    action: `event.${String(event.type).slice(0, 60)}`,
    operation: refusedOp ?? null,
    outcome: 'refused',
    refusal: p.code,
    records: incidentId ? [{ type: 'incident', id: incidentId }] : [],
    requestId: c.get('requestId') ?? null,
  });
  return { ok: false, problem: p };
}
