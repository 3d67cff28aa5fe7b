/** Wires the demand evidence routes to their handlers. */
import type { CommandDeps } from '../../commands/deps.js';
import type { AppOpenAPI } from '../../http/types.js';
import { reportHandlers } from './reports.handlers.js';
import * as routes from './reports.routes.js';

export function registerReports(app: AppOpenAPI, deps: CommandDeps) {
  const handlers = reportHandlers(deps);
  app
    .openapi(routes.demand, handlers.demand)
    .openapi(routes.evidencePack, handlers.evidencePack)
    .openapi(routes.workbook, handlers.workbook)
    .openapi(routes.volumes, handlers.volumes)
    .openapi(routes.marker, handlers.marker);
}
