/** Wires the alerts route to its handler. */
import type { Db } from '../../../db/client.js';
import type { AppOpenAPI } from '../../http/types.js';
import { alertHandlers } from './alerts.handlers.js';
import * as routes from './alerts.routes.js';

export function registerAlerts(app: AppOpenAPI, db: Db) {
  app.openapi(routes.list, alertHandlers(db).list);
}
