/** Wires the incident routes to their handlers. */
import type { CommandDeps } from '../../commands/deps.js';
import type { IncidentInputs } from '../../domain/incident-inputs.js';
import type { AppOpenAPI } from '../../http/types.js';
import { appendOnly, incidentHandlers } from './incidents.handlers.js';
import { incidentRoutes } from './incidents.routes.js';

export function registerIncidents(app: AppOpenAPI, deps: CommandDeps, inputs: IncidentInputs) {
  const routes = incidentRoutes(inputs);
  const handlers = incidentHandlers(deps);
  app
    .openapi(routes.create, handlers.create)
    .openapi(routes.list, handlers.list)
    .openapi(routes.get, handlers.get)
    .openapi(routes.postEvent, handlers.postEvent);
  app.on(['PUT', 'PATCH', 'DELETE'], '/api/incidents/:id/events', appendOnly);
  app.on(['PUT', 'PATCH', 'DELETE'], '/api/incidents/:id/events/*', appendOnly);
}
