/** Wires the alerts route to its handler. */
import type { CommandDeps } from '../../commands/deps.js';
import type { AppOpenAPI } from '../../http/types.js';
import { alertHandlers } from './alerts.handlers.js';
import * as routes from './alerts.routes.js';

export function registerAlerts(app: AppOpenAPI, deps: CommandDeps) {
  app.openapi(routes.list, alertHandlers(deps).list);
}
