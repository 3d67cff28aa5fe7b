/**
 * Alert handlers, each typed by its route: reads from src/queries/alerts.ts; acknowledging and
 * escalating go through the command path (src/commands/respond-to-alert.ts). The route guard holds
 * each to its operation (src/access/routes.ts); each alert names its incident, so a read of the list
 * is recorded in the access log with the alerts and their incidents.
 */
import type { RecordRef } from '../../access/access-log.js';
import { authorize } from '../../access/authorize.js';
import type { CommandDeps } from '../../commands/deps.js';
import { requestHash } from '../../commands/idempotency.js';
import { acknowledgeAlert, escalateAlert } from '../../commands/respond-to-alert.js';
import { canonicalJson } from '../../domain/incident-aggregate.js';
import { parseIdempotencyKey } from '../../http/headers.js';
import { isProblem, sendProblem } from '../../http/problem.js';
import { answerHeaders, notSaved, sendRefusal } from '../../http/respond.js';
import type { AppRouteHandler } from '../../http/types.js';
import { listAlerts, unacknowledgedCounts } from '../../queries/alerts.js';
import type { AcknowledgeRoute, CountsRoute, EscalateRoute, ListRoute } from './alerts.routes.js';

export const alertHandlers = (deps: CommandDeps) => {
  const list: AppRouteHandler<ListRoute> = async (c) => {
    const q = c.req.valid('query');
    const items = listAlerts(deps.db, q);
    const incidents = [...new Set(items.map((a) => a.incidentId))];
    const records: RecordRef[] = [
      ...items.map((a): RecordRef => ({ type: 'alert', id: a.id })),
      ...incidents.map((id): RecordRef => ({ type: 'incident', id })),
    ];
    const access = await authorize(c, 'alert.read', {
      action: 'alerts.list',
      records,
      params: {
        rule: q.rule ?? null,
        incidentStatus: q.incidentStatus ?? null,
        from: q.from ?? null,
        to: q.to ?? null,
      },
    });
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json({ items }, 200);
  };

  const counts: AppRouteHandler<CountsRoute> = (c) => c.json(unacknowledgedCounts(deps.db), 200);

  const acknowledge: AppRouteHandler<AcknowledgeRoute> = async (c) => {
    const key = parseIdempotencyKey(c.req.header('idempotency-key'));
    if (isProblem(key)) return sendProblem(c, key);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const user = c.get('user');
    const hash = key === null ? '' : requestHash('POST', c.req.path, canonicalJson(body));
    const r = acknowledgeAlert(
      deps,
      { actor: { id: user.id, role: user.role }, idempotencyKey: key, requestHash: hash },
      id,
      body.note ?? null,
    );
    if (!r.ok) return sendRefusal(c, r.refusal);
    const failed = await notSaved(deps);
    if (failed) return sendProblem(c, failed);
    return c.json(r.body, 201, answerHeaders(r));
  };

  const escalate: AppRouteHandler<EscalateRoute> = async (c) => {
    const key = parseIdempotencyKey(c.req.header('idempotency-key'));
    if (isProblem(key)) return sendProblem(c, key);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const user = c.get('user');
    const hash = key === null ? '' : requestHash('POST', c.req.path, canonicalJson(body));
    const r = escalateAlert(
      deps,
      { actor: { id: user.id, role: user.role }, idempotencyKey: key, requestHash: hash },
      id,
      { to: body.to, level: body.level ?? null, note: body.note ?? null },
    );
    if (!r.ok) return sendRefusal(c, r.refusal);
    const failed = await notSaved(deps);
    if (failed) return sendProblem(c, failed);
    return c.json(r.body, 201, answerHeaders(r));
  };

  return { list, counts, acknowledge, escalate };
};
