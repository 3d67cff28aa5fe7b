import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { and, count, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import { incidents } from '../../db/schema.js';
import { createIncident } from '../commands/create-incident.js';
import type { CommandDeps } from '../commands/deps.js';
import { requestHash } from '../commands/idempotency.js';
import { incidentStore } from '../commands/incident-store.js';
import { recordEvent } from '../commands/record-event.js';
import { canonicalJson, restoreAggregate } from '../domain/incident-aggregate.js';
import type { IncidentEventInput } from '../domain/incident-inputs.js';
import { incidentView } from '../domain/incident-view.js';
import { parseIdempotencyKey, parseIfMatch } from '../http/headers.js';
import { problem } from '../http/problem.js';
import { sendDurable, sendProblem } from '../http/respond.js';
import type { AppEnv } from '../http/types.js';
import type { incidentRoutes } from './incidents.routes.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';

const isNumber = (x: unknown): x is number => typeof x === 'number';

/** Strip pseudonymous keys from event data shown to users: they exist to link records, not to be read. */
function timelineData(payload: string): Record<string, unknown> {
  return JSON.parse(payload, (k, v: unknown) => (k === 'personKeys' ? undefined : v)) as Record<string, unknown>;
}

export function registerIncidentHandlers(
  app: OpenAPIHono<AppEnv>,
  deps: CommandDeps,
  routes: ReturnType<typeof incidentRoutes>,
) {
  const timeline = deps.db.$client.prepare(
    `SELECT e.seq, e.type, e.occurred_at AS occurredAt, e.recorded_at AS recordedAt, e.actor_id AS actorId,
            e.actor_role AS actorRole, COALESCE(u.name, e.actor_id) AS actorName, e.payload
     FROM incident_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.incident_id = ? ORDER BY e.seq`,
  );

  app.openapi(routes.create, async (c) => {
    const key = parseIdempotencyKey(c.req.header('idempotency-key'));
    if (key !== null && typeof key === 'object') return sendProblem(c, key) as never;
    const input = c.req.valid('json');
    const user = c.get('user');
    const r = createIncident(
      deps,
      {
        actor: { id: user.id, role: user.role },
        idempotencyKey: key,
        requestHash: requestHash('POST', '/api/incidents', canonicalJson(input)),
      },
      input,
    );
    const location: Record<string, string> = r.ok
      ? { Location: `/api/incidents/${(r.body as { id: string }).id}` }
      : {};
    return (await sendDurable(c, deps, r, location)) as never;
  });

  app.openapi(routes.list, (c) => {
    const q = c.req.valid('query');
    const where: SQL[] = [];
    if (q.state) where.push(eq(incidents.state, q.state));
    if (q.status) where.push(eq(incidents.status, q.status));
    if (q.grade) where.push(eq(incidents.grade, q.grade));
    if (q.category) where.push(eq(incidents.category, q.category));
    if (q.from) where.push(gte(incidents.receivedAt, new Date(q.from).toISOString()));
    if (q.to) where.push(lt(incidents.receivedAt, new Date(q.to).toISOString()));
    const filter = where.length ? and(...where) : undefined;
    const page: SQL[] = [...where];
    if (q.cursor) {
      const cur = decodeCursor(q.cursor);
      if (!cur)
        return sendProblem(
          c,
          problem(400, 'BAD_CURSOR', 'Invalid cursor', 'cursor must be a nextCursor value returned by this endpoint'),
        ) as never;
      page.push(or(lt(incidents.receivedAt, cur[0]), and(eq(incidents.receivedAt, cur[0]), lt(incidents.id, cur[1])))!);
    }
    const rows = deps.db
      .select({
        id: incidents.id,
        reference: incidents.reference,
        version: incidents.version,
        state: incidents.state,
        status: incidents.status,
        channel: incidents.channel,
        category: incidents.category,
        grade: incidents.grade,
        rcrpDecision: incidents.rcrpDecision,
        district: incidents.district,
        receivedAt: incidents.receivedAt,
        closedAt: incidents.closedAt,
        mhFlagAtCall: incidents.mhFlagAtCall,
        mhFlagAtClose: incidents.mhFlagAtClose,
        repeatContact: incidents.repeatContact,
        updatedAt: incidents.updatedAt,
      })
      .from(incidents)
      .where(page.length ? and(...page) : undefined)
      .orderBy(desc(incidents.receivedAt), desc(incidents.id))
      .limit(q.limit + 1)
      .all();
    const total = deps.db.select({ n: count() }).from(incidents).where(filter).all()[0]?.n ?? 0;
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    const nextCursor = rows.length > q.limit && last ? encodeCursor(last.receivedAt, last.id) : null;
    return c.json({ items, total, nextCursor }, 200);
  });

  app.openapi(routes.get, (c) => {
    const { id } = c.req.valid('param');
    const row = incidentStore(deps.db).load(id);
    if (!row)
      return sendProblem(
        c,
        problem(404, 'INCIDENT_NOT_FOUND', 'Unknown incident', `no incident with id ${id}`),
      ) as never;
    const view = incidentView(restoreAggregate(row.snapshot));
    const entries = (
      timeline.all(id) as Array<{
        seq: number;
        type: string;
        occurredAt: string;
        recordedAt: string;
        actorId: string;
        actorRole: string;
        actorName: string;
        payload: string;
      }>
    ).map((e) => ({
      seq: e.seq,
      type: e.type,
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
      actor: { id: e.actorId, name: e.actorName, role: e.actorRole },
      data: timelineData(e.payload),
    }));
    return c.json({ ...view, timeline: entries }, 200, { ETag: `"${view.version}"` });
  });

  app.openapi(routes.postEvent, async (c) => {
    const { id } = c.req.valid('param');
    const ifMatch = parseIfMatch(c.req.header('if-match'));
    if (!isNumber(ifMatch)) return sendProblem(c, ifMatch) as never;
    const key = parseIdempotencyKey(c.req.header('idempotency-key'));
    if (key !== null && typeof key === 'object') return sendProblem(c, key) as never;
    const input = c.req.valid('json') as IncidentEventInput;
    const user = c.get('user');
    // The request hash is only compared when there is an Idempotency-Key; without one it is not computed.
    const hash =
      key === null ? '' : requestHash('POST', `/api/incidents/${id}/events`, `${ifMatch}\n${canonicalJson(input)}`);
    const r = recordEvent(
      deps,
      { actor: { id: user.id, role: user.role }, idempotencyKey: key, requestHash: hash },
      { incidentId: id, ifMatch, input },
    );
    return (await sendDurable(c, deps, r)) as never;
  });

  // Saved events are never edited (R3): corrections are new events.
  const appendOnly = (c: Context) =>
    sendProblem(
      c,
      problem(
        405,
        'EVENTS_ARE_APPEND_ONLY',
        'Events cannot be changed',
        'recorded events (including THRIVE assessments) are never edited or deleted; record a new event, e.g. a new ' +
          'THRIVE_RECORDED, to correct one',
        { rule: 'R3' },
      ),
    );
  app.on(['PUT', 'PATCH', 'DELETE'], '/api/incidents/:id/events', appendOnly);
  app.on(['PUT', 'PATCH', 'DELETE'], '/api/incidents/:id/events/*', appendOnly);
}
