/**
 * The control-room console at /console (CONSOLE.md): server-rendered pages behind the session
 * sign-in, each screen in screens/, the shared frame in shell.tsx, forms from the API's zod schemas
 * in schema-form.tsx. Form posts pass the Origin check and carry the session's CSRF token
 * (formGuard); what a role sees and may do comes from the policy module (access.ts). Pages stay live
 * through the change feed (GET /api/stream), see shell.tsx.
 */
import type { Context, Hono } from 'hono';
import { formGuard, originCheck, requireSignedIn, sessionToken } from '../../access/session/index.js';
import type { CommandDeps } from '../../commands/deps.js';
import type { IncidentInputs } from '../../domain/incident-inputs.js';
import type { AppEnv } from '../../http/types.js';
import { logShown } from './shown.js';
import { alertSummary } from '../../queries/alert-summary.js';
import { registerAlertsScreen } from './screens/alerts.js';
import { registerBoardScreen } from './screens/board.js';
import { registerDetentionReviewScreen } from './screens/detention-review.js';
import { registerDetentionsScreen } from './screens/detentions.js';
import { registerHandoversScreen } from './screens/handovers.js';
import { registerIncidentScreen } from './screens/incident.js';
import { registerNewCallScreen } from './screens/new-call.js';
import { QUEUE_SHORTCUTS, QueueFilters, QueueSection, readQueueFilter } from './screens/queue.js';
import { AlertBadge, AlertBanner, consoleRequest, renderConsole, renderPartial, type ConsoleRequest } from './shell.js';

export interface ConsoleOptions {
  inputs: IncidentInputs;
  /** Origins people reach this server by besides the request's own (PUBLIC_BASE_URL). */
  publicOrigins?: readonly string[] | undefined;
}

/**
 * The console's front for a role with no console screen (PCC analyst, auditor, administrator): where to
 * go instead. It shows nothing of any record, so it is a page like any other (200), not a refusal.
 */
function nothingForRole(c: Context<AppEnv>, r: ConsoleRequest) {
  return renderConsole(
    c,
    r,
    {
      title: 'Nothing here for your role',
      body: (
        <div class="panel">
          <p>
            The control-room console is for call handlers, dispatchers, supervisors, officers and the mental-health
            lead.
          </p>
          <p>
            <a href="/reports">Reports</a> · <a href="/account">Your account</a>
          </p>
        </div>
      ),
    },
    200,
  );
}

export function registerConsole(app: Hono<AppEnv>, deps: CommandDeps, opts: ConsoleOptions) {
  app.use('/console', requireSignedIn);
  app.use('/console/*', requireSignedIn);
  app.use('/console', logShown);
  app.use('/console/*', logShown);
  /** Every console form post: same origin, and the session's CSRF token in the hidden field `csrf`. */
  const guard = formGuard(originCheck(opts.publicOrigins ?? []), sessionToken, (c) =>
    c.text('This form did not come from this console or has expired. Nothing was changed. Reload the page.', 403),
  );
  app.use('/console/*', async (c, next) => (c.req.method === 'POST' ? guard(c, next) : next()));

  app.get('/console', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('incident.read')) return nothingForRole(c, r);
    const filter = readQueueFilter(c.req.query());
    return renderConsole(c, r, {
      title: 'Queue',
      active: 'queue',
      shortcuts: QUEUE_SHORTCUTS,
      body: (
        <>
          <QueueFilters r={r} filter={filter} />
          <QueueSection r={r} filter={filter} />
        </>
      ),
    });
  });

  app.get('/console/partials/queue', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('incident.read')) return renderPartial(c, '', 403);
    return renderPartial(c, <QueueSection r={r} filter={readQueueFilter(c.req.query())} />);
  });
  app.get('/console/partials/banner', (c) => {
    const r = consoleRequest(c, deps);
    return renderPartial(c, <AlertBanner r={r} summary={alertSummary(deps.db)} />);
  });
  app.get('/console/partials/badge', (c) => renderPartial(c, <AlertBadge summary={alertSummary(deps.db)} />));
  registerIncidentScreen(app, deps, opts.inputs);
  registerNewCallScreen(app, deps, opts.inputs);
  registerBoardScreen(app, deps);
  registerAlertsScreen(app, deps);
  registerDetentionsScreen(app, deps);
  registerDetentionReviewScreen(app, deps);
  registerHandoversScreen(app, deps);
}
