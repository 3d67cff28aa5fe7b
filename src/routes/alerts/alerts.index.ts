/** Wires the alert routes to their handlers. */
import type { CommandDeps } from '../../commands/deps.js';
import type { AppOpenAPI } from '../../http/types.js';
import { alertHandlers } from './alerts.handlers.js';
import * as routes from './alerts.routes.js';

export function registerAlerts(app: AppOpenAPI, deps: CommandDeps) {
  const handlers = alertHandlers(deps);
  app
    .openapi(routes.list, handlers.list)
    .openapi(routes.counts, handlers.counts)
    .openapi(routes.acknowledge, handlers.acknowledge)
    .openapi(routes.escalate, handlers.escalate);
}
