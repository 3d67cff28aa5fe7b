/**
 * Incident handlers, each typed by its route: commands go through the one command path
 * (src/commands), reads through src/queries; refusals become problem responses here.
 */
import type { Context } from 'hono';
import { authorize, authorizeEvent } from '../../access/authorize.js';
import { createIncident } from '../../commands/create-incident.js';
import type { CommandDeps } from '../../commands/deps.js';
import { requestHash } from '../../commands/idempotency.js';
import { recordEvent } from '../../commands/record-event.js';
import { canonicalJson } from '../../domain/incident-aggregate.js';
import type { IncidentEventInput } from '../../domain/incident-inputs.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import { parseIdempotencyKey, parseIfMatch } from '../../http/headers.js';
import { isProblem, problem, sendProblem } from '../../http/problem.js';
import { answerHeaders, notSaved, sendRefusal } from '../../http/respond.js';
import type { AppRouteHandler } from '../../http/types.js';
import { incidentDetail, listIncidents } from '../../queries/incidents.js';
import type { IncidentRoutes } from './incidents.routes.js';

export function incidentHandlers(deps: CommandDeps) {
  const create: AppRouteHandler<IncidentRoutes['create']> = async (c) => {
    const key = parseIdempotencyKey(c.req.header('idempotency-key'));
    if (isProblem(key)) return sendProblem(c, key);
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
    if (!r.ok) return sendRefusal(c, r.refusal);
    const failed = await notSaved(deps);
    if (failed) return sendProblem(c, failed);
    return c.json(r.body, 201, { Location: `/api/incidents/${r.body.id}`, ...answerHeaders(r) });
  };

  const list: AppRouteHandler<IncidentRoutes['list']> = async (c) => {
    const q = c.req.valid('query');
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    if (q.cursor && !after)
      return sendProblem(
        c,
        problem(400, 'BAD_CURSOR', 'Invalid cursor', 'cursor must be a nextCursor value returned by this endpoint'),
      );
    const { items, total, next } = listIncidents(deps.db, q, after);
    const access = await authorize(c, 'incident.read', {
      action: 'incidents.list',
      records: items.map((i) => ({ type: 'incident', id: i.id, closedAt: i.closedAt })),
      params: { status: q.status ?? null, from: q.from ?? null, to: q.to ?? null },
    });
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json({ items, total, nextCursor: next ? encodeCursor(...next) : null }, 200);
  };

  const get: AppRouteHandler<IncidentRoutes['get']> = async (c) => {
    const { id } = c.req.valid('param');
    const incident = incidentDetail(deps.db, id);
    if (!incident)
      return sendProblem(c, problem(404, 'INCIDENT_NOT_FOUND', 'Unknown incident', `no incident with id ${id}`));
    const access = await authorize(c, 'incident.read', {
      action: 'incident.get',
      records: [{ type: 'incident', id, closedAt: incident.closedAt }],
    });
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json(incident, 200, { ETag: `"${incident.version}"` });
  };

  const postEvent: AppRouteHandler<IncidentRoutes['postEvent']> = async (c) => {
    const { id } = c.req.valid('param');
    const ifMatch = parseIfMatch(c.req.header('if-match'));
    if (isProblem(ifMatch)) return sendProblem(c, ifMatch);
    const key = parseIdempotencyKey(c.req.header('idempotency-key'));
    if (isProblem(key)) return sendProblem(c, key);
    const input: IncidentEventInput = c.req.valid('json');
    const allowed = await authorizeEvent(c, input, id);
    if (!allowed.ok) return sendProblem(c, allowed.problem);
    const user = c.get('user');
    // The request hash is only compared when there is an Idempotency-Key; without one it is not computed.
    const hash =
      key === null ? '' : requestHash('POST', `/api/incidents/${id}/events`, `${ifMatch}\n${canonicalJson(input)}`);
    const r = recordEvent(
      deps,
      { actor: { id: user.id, role: user.role }, idempotencyKey: key, requestHash: hash },
      { incidentId: id, ifMatch, input },
    );
    if (!r.ok) return sendRefusal(c, r.refusal);
    const failed = await notSaved(deps);
    if (failed) return sendProblem(c, failed);
    return c.json(r.body, 200, answerHeaders(r));
  };

  return { create, list, get, postEvent };
}

/** Saved events are never edited (R3): corrections are new events. */
export const appendOnly = (c: Context) =>
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
