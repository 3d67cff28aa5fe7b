/** Wires the audit routes to their handlers. */
import type { CommandDeps } from '../../commands/deps.js';
import type { AppOpenAPI } from '../../http/types.js';
import { auditHandlers } from './audit.handlers.js';
import * as routes from './audit.routes.js';

export function registerAudit(app: AppOpenAPI, deps: CommandDeps) {
  const handlers = auditHandlers(deps);
  app.openapi(routes.handovers, handlers.handovers).openapi(routes.placeOfSafetyHandovers, handlers.placeOfSafety);
}
