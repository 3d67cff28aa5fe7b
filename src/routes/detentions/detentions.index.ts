/** Wires the detention and ADR return routes to their handlers. */
import type { CommandDeps } from '../../commands/deps.js';
import type { AppOpenAPI } from '../../http/types.js';
import { detentionHandlers } from './detentions.handlers.js';
import { detentionRoutes } from './detentions.routes.js';

export function registerDetentions(app: AppOpenAPI, deps: CommandDeps) {
  const routes = detentionRoutes();
  const handlers = detentionHandlers(deps);
  app.openapi(routes.list, handlers.list).openapi(routes.get, handlers.get).openapi(routes.adr, handlers.adr);
}
