/** Wires the access log route to its handler. */
import type { CommandDeps } from '../../commands/deps.js';
import type { AppOpenAPI } from '../../http/types.js';
import { accessLogHandlers } from './access-log.handlers.js';
import * as routes from './access-log.routes.js';

export function registerAccessLog(app: AppOpenAPI, deps: CommandDeps) {
  app.openapi(routes.read, accessLogHandlers(deps).read);
}
