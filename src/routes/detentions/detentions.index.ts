/** Wires the detention and ADR return routes to their handlers. */
import type { CommandDeps } from '../../commands/deps.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppOpenAPI } from '../../http/types.js';
import { detentionHandlers } from './detentions.handlers.js';
import { detentionRoutes } from './detentions.routes.js';

export function registerDetentions(app: AppOpenAPI, deps: CommandDeps) {
  const routes = detentionRoutes();
  const handlers = detentionHandlers(deps);
  app
    .openapi(routes.list, handlers.list)
    .openapi(routes.review, handlers.review)
    .openapi(routes.recordFinding, handlers.recordFinding)
    .openapi(routes.exportRecord, handlers.exportRecord)
    .openapi(routes.get, handlers.get)
    .openapi(routes.adr, handlers.adr);
  // Findings are never changed or deleted: a changed view is a new finding.
  app.on(['PUT', 'PATCH', 'DELETE'], ['/api/detentions/:id/findings', '/api/detentions/:id/findings/*'], (c) =>
    sendProblem(
      c,
      problem(
        405,
        'FINDINGS_ARE_APPEND_ONLY',
        'Findings cannot be changed',
        "the MH lead's findings are never edited or deleted; record a new finding (POST) to change the conclusion",
        { rule: 'R45' },
      ),
    ),
  );
}
