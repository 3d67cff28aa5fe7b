/**
 * What a console page showed, for the access log: each list on a screen says which records it put on
 * the page (`r.shown(op, records)`) while it renders; `logShown` (middleware round every console GET)
 * then writes one consultation per operation with those records — after rendering, before a byte of
 * the page leaves the server, and the page is replaced by the refusal if the policy says no. A list
 * row names its record; opening the record is its own consultation, with a reason when it is closed.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { RecordRef } from '../../access/access-log.js';
import { authorize } from '../../access/authorize.js';
import type { Operation } from '../../access/policy.js';
import type { AppEnv } from '../../http/types.js';
import { getOrInsert } from '../../lib/maps.js';

const SHOWN = new WeakMap<Context, Map<Operation, RecordRef[]>>();

/** Records `records` as shown on this request's page under `op`. */
export function noteShown(c: Context, op: Operation, records: readonly RecordRef[]) {
  const byOp = getOrInsert(SHOWN, c, () => new Map<Operation, RecordRef[]>());
  const list = byOp.get(op) ?? [];
  const seen = new Set(list.map((x) => `${x.type}:${x.id}`));
  for (const r of records) if (!seen.has(`${r.type}:${r.id}`)) list.push(r);
  byOp.set(op, list);
}

/** Writes the page's consultations to the access log; a refusal replaces the page. */
export const logShown: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const byOp = SHOWN.get(c);
  if (!byOp || c.req.method !== 'GET' || c.res.status >= 300) return;
  const action = `console.${new URL(c.req.url).pathname.split('/').filter(Boolean).slice(1).join('.') || 'queue'}`;
  for (const [op, records] of byOp) {
    if (records.length === 0) continue;
    const access = await authorize(c, op, { action, records, reason: null });
    if (!access.ok) {
      c.res = c.text(`${access.problem.title}: ${access.problem.detail}.`, access.problem.status);
      return;
    }
  }
};
