/**
 * Consulting records from the console, as the law asks (DPA 2018 s.62): every screen that shows
 * individual records calls `consult` before it renders, which decides with the same `authorize` the
 * API uses and writes the access-log row. An open record is shown for live handling without asking;
 * a record closed past the grace period needs a reason, so the console asks for one (a form on the
 * page, sent back as `?reason=<code>&why=<text>`) before showing anything.
 */
import type { Context } from 'hono';
import { type AccessRefusal, authorize, parseAccessReason, type RecordAccess } from '../../access/authorize.js';
import type { Operation } from '../../access/policy.js';
import type { AppEnv } from '../../http/types.js';
import { type ConsoleRequest, renderConsole, renderPartial } from './shell.js';

export interface Consultation {
  /** The access log's action, e.g. console.incident. */
  action: string;
  records: readonly RecordAccess[];
  /** Codes and dates only. */
  params?: Record<string, unknown>;
  /** A fragment of a page (htmx) answers with a fragment. */
  partial?: boolean;
}

/** The reason a person gave in the page's query, or null (none given). */
function queryReason(c: Context<AppEnv>, r: ConsoleRequest) {
  const code = c.req.query('reason');
  if (!code) return null;
  return parseAccessReason(r.deps.config, code, c.req.query('why') ?? null);
}

function ReasonForm({ c, r, message }: { c: Context<AppEnv>; r: ConsoleRequest; message: string }) {
  const url = new URL(c.req.url);
  const kept = [...url.searchParams].filter(([k]) => k !== 'reason' && k !== 'why');
  return (
    <form method="get" action={url.pathname} class="reason-form">
      <p>{message}</p>
      {kept.map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <label for="consult-reason">Reason</label>
      <select id="consult-reason" name="reason" required>
        <option value="">Choose a reason</option>
        {r.deps.config.access.reasons.map((x) => (
          <option value={x.code}>{x.label}</option>
        ))}
      </select>
      <label for="consult-why">Details (optional)</label>
      <input id="consult-why" name="why" type="text" size={50} maxlength={200} />
      <button type="submit">Show the record</button>
    </form>
  );
}

/**
 * Null when the records may be shown (the consultation is logged), else the answer to send instead:
 * the reason form (428) or the refusal (403, 400), as a page or a fragment.
 */
export async function consult(
  c: Context<AppEnv>,
  r: ConsoleRequest,
  op: Operation,
  what: Consultation,
): Promise<Response | null> {
  const given = queryReason(c, r);
  let refusal: AccessRefusal | null = given && 'status' in given ? given : null;
  if (!refusal) {
    const access = await authorize(c, op, {
      action: what.action,
      records: what.records,
      reason: given && !('status' in given) ? given : null,
      ...(what.params ? { params: what.params } : {}),
    });
    if (access.ok) return null;
    refusal = access.problem;
  }
  return refusalAnswer(c, r, refusal, what.partial === true);
}

function refusalAnswer(c: Context<AppEnv>, r: ConsoleRequest, refusal: AccessRefusal, partial: boolean) {
  if (partial) return renderPartial(c, <p class="error">{refusal.detail}</p>, refusal.status);
  if (refusal.status === 428 || refusal.status === 400)
    return renderConsole(
      c,
      r,
      {
        title: 'Why do you need this record?',
        body: (
          <ReasonForm
            c={c}
            r={r}
            message={
              refusal.status === 428
                ? `This record was closed more than ${r.deps.config.access.closedRecordGraceHours} hours ago. ` +
                  'Say why you need it; your reason is kept in the access log.'
                : refusal.detail
            }
          />
        ),
      },
      refusal.status,
    );
  return renderConsole(c, r, { title: 'Not available', body: <p>{refusal.detail}</p> }, refusal.status);
}
