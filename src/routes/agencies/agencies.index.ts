/** Wires the partner agency directory routes to their handlers. */
import type { CommandDeps } from '../../commands/deps.js';
import type { AppOpenAPI } from '../../http/types.js';
import { agencyHandlers } from './agencies.handlers.js';
import { agencyRoutes } from './agencies.routes.js';

export function registerAgencies(app: AppOpenAPI, deps: CommandDeps) {
  const routes = agencyRoutes(deps.config);
  const handlers = agencyHandlers(deps);
  app
    .openapi(routes.list, handlers.list)
    .openapi(routes.get, handlers.get)
    .openapi(routes.create, handlers.create)
    .openapi(routes.replace, handlers.replace)
    .openapi(routes.deactivate, handlers.deactivate)
    .openapi(routes.history, handlers.history)
    .openapi(routes.importOruk, handlers.importDirectory);
}
