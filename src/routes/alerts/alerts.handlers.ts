/** GET /api/alerts, typed by its route; the read is src/queries/alerts.ts. */
import type { Db } from '../../../db/client.js';
import type { AppRouteHandler } from '../../http/types.js';
import { listAlerts } from '../../queries/alerts.js';
import type { ListRoute } from './alerts.routes.js';

export const alertHandlers = (db: Db) => {
  const list: AppRouteHandler<ListRoute> = (c) => c.json({ items: listAlerts(db, c.req.valid('query')) }, 200);
  return { list };
};
