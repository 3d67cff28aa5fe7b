/** Wires the users, roles and tokens routes to their handlers. */
import type { CommandDeps } from '../../commands/deps.js';
import type { AppOpenAPI } from '../../http/types.js';
import { userHandlers } from './users.handlers.js';
import * as routes from './users.routes.js';

export function registerUsers(app: AppOpenAPI, deps: CommandDeps) {
  const handlers = userHandlers(deps);
  app
    .openapi(routes.list, handlers.list)
    .openapi(routes.create, handlers.create)
    .openapi(routes.changeRole, handlers.changeRole)
    .openapi(routes.issueToken, handlers.issueToken)
    .openapi(routes.revokeTokens, handlers.revokeTokens);
}
