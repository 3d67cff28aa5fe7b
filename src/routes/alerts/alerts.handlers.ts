/**
 * GET /api/alerts, typed by its route; the read is src/queries/alerts.ts. Each alert names its
 * incident, so a read is recorded in the access log with the alerts and their incidents.
 */
import { authorize } from '../../access/authorize.js';
import type { RecordRef } from '../../access/access-log.js';
import type { CommandDeps } from '../../commands/deps.js';
import { sendProblem } from '../../http/problem.js';
import type { AppRouteHandler } from '../../http/types.js';
import { listAlerts } from '../../queries/alerts.js';
import type { ListRoute } from './alerts.routes.js';

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
  return { list };
};
