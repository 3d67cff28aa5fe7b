/**
 * Every route of the app (API and pages) with its access rule, deny by default: a request whose
 * route has no rule here is refused (403) and the test that walks the app's route list fails. The
 * rule names the operation of the policy (src/access/policy.ts) that decides, so the role checks
 * live in one place; the handler then decides what only the record can tell (a closed record
 * needs a reason) with `authorize`, which also writes the access log.
 *
 * A module that adds routes adds its rules in a table of its own and spreads it into ROUTE_ACCESS.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { problem, sendProblem, type Problem } from '../http/problem.js';
import type { AppEnv } from '../http/types.js';
import { logAccess, type RecordType } from './access-log.js';
import { authorizeEvent, roleRefusal } from './authorize.js';
import { EVENT_OPERATIONS, grantOf, type Operation } from './policy.js';
import { CONSOLE_ROUTE_ACCESS } from '../web/console/route-access.js';
import { RefusedPage, render } from './session/pages.js';

export type RouteRule =
  /** The user's grant of the operation decides. `record`: the path's `:id` (or `:code`) names a record of this type. */
  | { operation: Operation; action?: string; record?: RecordType }
  /** POST …/events: the operation each event type needs (EVENT_OPERATIONS in the policy). */
  | { events: true }
  /** Any signed-in user, whatever the role: why no operation. */
  | { signedIn: string }
  /** No credential needed: why. */
  | { open: string };

/** Keys are `METHOD /path` as Hono registers them (`:param`, `*`). */
export type RouteTable = Readonly<Record<string, RouteRule>>;

const APPEND_ONLY: RouteRule = { operation: 'incident.manage', action: 'incident.eventChange' };
const FINDINGS_APPEND_ONLY: RouteRule = { operation: 'detention.review', action: 'detention.findingChange' };

export const API_ROUTE_ACCESS: RouteTable = {
  'GET /api/openapi.json': { open: 'the API contract; no personal data' },
  'GET /api/config': { operation: 'config.read' },
  'POST /api/incidents': { operation: 'incident.create' },
  'GET /api/incidents': { operation: 'incident.read', action: 'incidents.list' },
  'GET /api/incidents/:id': { operation: 'incident.read', action: 'incident.get', record: 'incident' },
  'POST /api/incidents/:id/events': { events: true },
  'PUT /api/incidents/:id/events': APPEND_ONLY,
  'PATCH /api/incidents/:id/events': APPEND_ONLY,
  'DELETE /api/incidents/:id/events': APPEND_ONLY,
  'PUT /api/incidents/:id/events/*': APPEND_ONLY,
  'PATCH /api/incidents/:id/events/*': APPEND_ONLY,
  'DELETE /api/incidents/:id/events/*': APPEND_ONLY,
  'GET /api/incidents/:id/high-intensity': {
    operation: 'handover.audit',
    action: 'incident.highIntensity',
    record: 'incident',
  },
  'GET /api/detentions': { operation: 'detention.read', action: 'detentions.list' },
  'GET /api/detentions/:id': { operation: 'detention.read', action: 'detention.get', record: 'detention' },
  'GET /api/detentions/:id/review': { operation: 'detention.review', action: 'detention.review', record: 'detention' },
  'POST /api/detentions/:id/findings': {
    operation: 'detention.review',
    action: 'detention.finding',
    record: 'detention',
  },
  'PUT /api/detentions/:id/findings': FINDINGS_APPEND_ONLY,
  'PATCH /api/detentions/:id/findings': FINDINGS_APPEND_ONLY,
  'DELETE /api/detentions/:id/findings': FINDINGS_APPEND_ONLY,
  'PUT /api/detentions/:id/findings/*': FINDINGS_APPEND_ONLY,
  'PATCH /api/detentions/:id/findings/*': FINDINGS_APPEND_ONLY,
  'DELETE /api/detentions/:id/findings/*': FINDINGS_APPEND_ONLY,
  'GET /api/detentions/:id/export': { operation: 'detention.review', action: 'detention.export', record: 'detention' },
  'GET /api/returns/adr': { operation: 'adr.records', action: 'adr.return' },
  'GET /api/alerts': { operation: 'alert.read', action: 'alerts.list' },
  'GET /api/alerts/unacknowledged': { operation: 'alert.read', action: 'alerts.counts' },
  'POST /api/alerts/:id/acknowledgements': {
    operation: 'alert.acknowledge',
    action: 'alert.acknowledge',
    record: 'alert',
  },
  'POST /api/alerts/:id/escalations': { operation: 'alert.escalate', action: 'alert.escalate', record: 'alert' },
  'GET /api/stream': { operation: 'incident.read', action: 'stream' },
  'GET /api/agencies': { operation: 'agency.read' },
  'GET /api/agencies/:code': { operation: 'agency.read' },
  'POST /api/agencies': { operation: 'agency.manage', action: 'agency.create' },
  'PUT /api/agencies/:code': { operation: 'agency.manage', action: 'agency.replace' },
  'DELETE /api/agencies/:code': { operation: 'agency.manage', action: 'agency.deactivate' },
  'POST /api/agencies/import': { operation: 'agency.manage', action: 'agency.import' },
  'GET /api/agencies/:code/history': { operation: 'agency.history' },
  'GET /api/audit/handovers': { operation: 'handover.audit', action: 'handovers.audit' },
  'GET /api/audit/place-of-safety-handovers': { operation: 'handover.audit', action: 'handovers.placeOfSafety' },
  'GET /api/audit/access': { operation: 'accessLog.read', action: 'accessLog.read' },
  'GET /api/reports/demand': { operation: 'reports.read', action: 'report.demand' },
  'GET /api/reports/evidence-pack': { operation: 'reports.read', action: 'report.evidencePack' },
  'GET /api/reports/workbook': { operation: 'reports.read', action: 'report.workbook' },
  'PUT /api/reports/incident-volumes': { operation: 'volumes.manage', action: 'volumes.record' },
};

export const PAGE_ROUTE_ACCESS: RouteTable = {
  'GET /': { open: 'the landing page: links only' },
  'GET /healthz': { open: 'liveness for the service manager; says only that the database answers' },
  'GET /docs': { open: 'the API documentation' },
  'GET /docs/assets/init.js': { open: 'a file of the API documentation' },
  'GET /docs/assets/:file': { open: 'a file of the API documentation' },
  'GET /assets/:file': { open: 'stylesheets, scripts and the icon of the pages' },
  'GET /assets/vendor/:file': { open: 'htmx and its SSE extension, from their npm packages' },
  'GET /favicon.ico': { open: 'the icon' },
  'GET /sign-in': { open: 'the sign-in form' },
  'POST /sign-in': { open: 'signing in with an API token (rate-limited per client address)' },
  'GET /sign-in/oidc': { open: 'signing in at the identity provider' },
  'GET /sign-in/oidc/callback': { open: 'back from the identity provider' },
  'POST /sign-out': { open: 'signing out (a form post with the session’s CSRF token)' },
  'GET /account': { signedIn: 'who is signed in, until when' },
  'GET /reports': { operation: 'reports.read', action: 'reports.page' },
  'GET /partner/referrals/:token': {
    open: 'the partner agency, by the signed link in its referral email (rate-limited; the answer only once answered)',
  },
  'POST /partner/referrals/:token': { open: 'the partner agency’s answer, by the signed link' },
};

export const ROUTE_ACCESS: RouteTable = { ...API_ROUTE_ACCESS, ...PAGE_ROUTE_ACCESS, ...CONSOLE_ROUTE_ACCESS };

export const routeKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** The route a request reached (the last matched route that is not middleware), or null (a 404). */
export function reachedRoute(c: Context): { method: string; path: string } | null {
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL');
  const last = routes.at(-1);
  return last ? { method: last.method, path: last.path } : null;
}

/** The value of `:name` params of `pattern` in `path` (patterns here have plain segments). */
export function paramsOf(pattern: string, path: string): Record<string, string> {
  const p = pattern.split('/');
  const s = path.split('/');
  const out: Record<string, string> = {};
  p.forEach((seg, i) => {
    if (seg.startsWith(':') && s[i] !== undefined) {
      try {
        out[seg.slice(1)] = decodeURIComponent(s[i]!);
      } catch {
        out[seg.slice(1)] = s[i]!;
      }
    }
  });
  return out;
}

/**
 * The middleware that holds every request to its route's rule: no rule, refused; an operation the
 * role has no grant of, refused (403, logged); an event type the role may not send, refused before
 * the body is even validated. A page without a session goes to sign-in.
 */
export function routeGuard(table: RouteTable, forceName: string): MiddlewareHandler<AppEnv> {
  const refusePage = (c: Context<AppEnv>, p: Problem) => {
    c.header('Cache-Control', 'no-store');
    return c.html(render(RefusedPage({ force: forceName, title: p.title, message: `${p.detail}.` })), 403);
  };
  return async (c, next) => {
    const route = reachedRoute(c);
    if (!route) return next();
    const api = c.req.path.startsWith('/api/');
    const key = routeKey(route.method, route.path);
    const rule = table[key];
    const refuse = (p: Problem) => (api ? sendProblem(c, p) : refusePage(c, p));
    if (!rule)
      return refuse(
        problem(403, 'NO_ACCESS_RULE', 'Not allowed', `${key} has no access rule, and what has none is refused`),
      );
    if ('open' in rule) return next();
    const user = c.var.user;
    if (!user) {
      if (api)
        return sendProblem(c, problem(401, 'UNAUTHENTICATED', 'Authentication required', 'sign in or send a token'));
      c.header('Cache-Control', 'no-store');
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const url = new URL(c.req.url);
        return c.redirect(`/sign-in?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 303);
      }
      return c.text('Your session has ended. Sign in again at /sign-in.', 401);
    }
    if ('signedIn' in rule) return next();
    const params = paramsOf(route.path, c.req.path);
    if ('events' in rule) {
      const body = (await c.req.json().catch(() => null)) as { type?: unknown } | null;
      // A body that is not an event with a type of the policy is the validator's to refuse (400).
      if (!body || typeof body.type !== 'string' || !Object.hasOwn(EVENT_OPERATIONS, body.type)) return next();
      const access = await authorizeEvent(c, body as { type: string }, params.id ?? null);
      return access.ok ? next() : refuse(access.problem);
    }
    const policy = c.var.access.policy;
    if (grantOf(policy, user.role, rule.operation)) return next();
    const p = roleRefusal(policy, user.role, rule.operation);
    const recordId = params.id ?? params.code;
    await logAccess(c.var.access.deps, {
      userId: user.id,
      role: user.role,
      kind: c.req.method === 'GET' || c.req.method === 'HEAD' ? 'consultation' : 'alteration',
      action: rule.action ?? rule.operation,
      operation: rule.operation,
      outcome: 'refused',
      refusal: p.code,
      records: rule.record && recordId ? [{ type: rule.record, id: recordId }] : [],
      params: {},
      requestId: c.get('requestId') ?? null,
    });
    return refuse(p);
  };
}
