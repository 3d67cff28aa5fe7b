/**
 * createApp({ db, clock, config, keyer, mailEnabled, logger }) — no globals, so each test builds its own.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import type { ZodError } from 'zod';
import { declareAccess } from './access/openapi.js';
import { policyFor } from './access/policy.js';
import { ROUTE_ACCESS, routeGuard } from './access/routes.js';
import { createSessions } from './access/session/index.js';
import { requireUser } from './auth/middleware.js';
import type { CommandDeps } from './commands/deps.js';
import { seedDirectory } from './directory/directory.js';
import { buildIncidentInputs } from './domain/incident-inputs.js';
import { problem, sendProblem } from './http/problem.js';
import { carriesPersonalData, declareNoStore, OPENAPI_PATH } from './http/no-store.js';
import { cspOverride, noStore, securityHeaders } from './http/security-headers.js';
import type { AppEnv } from './http/types.js';
import { silentLogger, type Logger } from './log.js';
import { reportPagePeriods } from './queries/report-period.js';
import { registerAccessLog } from './routes/access-log/access-log.index.js';
import { registerAgencies } from './routes/agencies/agencies.index.js';
import { registerAlerts } from './routes/alerts/alerts.index.js';
import { registerAudit } from './routes/audit/audit.index.js';
import { registerDetentions } from './routes/detentions/detentions.index.js';
import { registerIncidents } from './routes/incidents/incidents.index.js';
import { registerMeta } from './routes/meta/meta.index.js';
import { registerReports } from './routes/reports/reports.index.js';
import { registerStream } from './routes/stream/stream.index.js';
import { databaseFeed } from './live/database-feed.js';
import { registerAssets } from './web/assets.js';
import { registerConsole } from './web/console/index.js';
import { registerPartnerPages } from './web/partner.js';
import { registerPages, registerReportPage } from './web/pages.js';

export interface AppDeps extends CommandDeps {
  logger?: Logger;
  /** Largest accepted request body in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Largest directory import (POST /api/agencies/import) in bytes (default 5 MiB). */
  maxImportBytes?: number;
  /** The OIDC client secret (OIDC_CLIENT_SECRET); required when the configuration names an identity provider. */
  oidcClientSecret?: string;
  /** Origins people reach this server by besides the request's own (PUBLIC_BASE_URL), for form posts' Origin check. */
  publicOrigins?: string[];
  /** The address clients use (PUBLIC_BASE_URL), named as the server in the OpenAPI document. */
  publicBaseUrl?: string;
}

const LARGE_BODY_PATHS = new Set(['/api/agencies/import']);

export function zodProblem(error: ZodError, target: string, eventTypes: string[]) {
  const issues = error.issues.map((i) => {
    const path = [target === 'json' ? 'body' : target, ...i.path.map(String)].join('.');
    const unknownType = i.code === 'invalid_union' && i.path.length === 1 && i.path[0] === 'type';
    return { path, message: unknownType ? `unknown event type; expected one of ${eventTypes.join(', ')}` : i.message };
  });
  const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return problem(400, 'VALIDATION_FAILED', 'Invalid request', detail, { issues });
}

export function createApp(appDeps: AppDeps) {
  // One change feed for the commands the routes run and the stream route (the server passes its own,
  // shared with the scheduler and the outbox worker).
  const deps = { ...appDeps, feed: appDeps.feed ?? databaseFeed(appDeps.db) };
  const logger = deps.logger ?? silentLogger;
  // The partner directory starts as the configured agencies; after that admins and imports own it.
  const seeded = seedDirectory(deps.db, deps.config, deps.clock.now().toISOString());
  if (seeded.length > 0)
    logger.info({ agencies: seeded.length }, 'agency directory seeded from the force configuration');
  const inputs = buildIncidentInputs(deps.config);
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success)
        return sendProblem(c, zodProblem(result.error as unknown as ZodError, result.target, inputs.eventTypes));
    },
  });

  const access = { deps, policy: policyFor(deps.config) };
  app.use('*', async (c, next) => {
    c.set('access', access);
    const started = performance.now();
    const requestId = randomUUID();
    c.set('requestId', requestId);
    // Set before the handler runs, so c.json/c.body put it on the response they build. Setting a
    // header on a finished response makes Hono copy the response, and @hono/node-server then builds
    // a web Response and streams its body (measured: ~10% of the CPU of POST …/events). The check
    // after is for a handler that returns a Response of its own.
    c.header('X-Request-Id', requestId);
    await next();
    if (!c.res.headers.has('X-Request-Id')) c.header('X-Request-Id', requestId);
    logger.info(
      {
        requestId,
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        user: c.get('user')?.id,
      },
      'request',
    );
  });

  // Security headers on every response; the routes below that cannot yet meet the strict CSP say so.
  app.use('*', securityHeaders({ tls: deps.config.signIn.tlsTerminatedInFront }));
  // Swagger UI sets inline styles and draws its icons from data: URLs.
  app.use('/docs', cspOverride({ styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] }));
  // The evidence pack is a self-contained HTML document (inline style, no script), opened on its own or
  // in the frame of the /reports page (this site only: a srcdoc frame would inherit that page's strict CSP).
  app.use(
    '/api/reports/evidence-pack',
    cspOverride({ styleSrc: ["'unsafe-inline'"], imgSrc: ['data:'] }, { framedBySelf: true }),
  );
  // So is a detention's printable record for the IOPC or a coroner (a saved copy reads the same offline).
  app.use('/api/detentions/:id/export', cspOverride({ styleSrc: ["'unsafe-inline'"] }));
  // Every API answer but the OpenAPI document may carry personal data: never stored by a browser or proxy.
  app.use('/api/*', async (c, next) => (carriesPersonalData(c.req.path) ? noStore(c, next) : next()));
  app.use('/reports', noStore);

  const sessions = createSessions(deps, { oidcClientSecret: deps.oidcClientSecret, publicOrigins: deps.publicOrigins });
  app.use('*', sessions.resolve);
  // Built once: requireUser prepares its token statement (building it per request cost a prepare each time).
  const authenticate = sessions.apiAuth(requireUser(deps.db));
  app.use('/api/*', async (c, next) => (c.req.path === '/api/openapi.json' ? next() : authenticate(c, next)));
  const defaultMaxBody = deps.maxBodyBytes ?? 64 * 1024;
  const importMaxBody = deps.maxImportBytes ?? 5 * 1024 * 1024;
  const tooLargeFor = (max: number) => (c: Context<AppEnv>) =>
    sendProblem(c, problem(413, 'BODY_TOO_LARGE', 'Request body too large', `the body must be at most ${max} bytes`));
  const limits = {
    normal: {
      max: defaultMaxBody,
      tooLarge: tooLargeFor(defaultMaxBody),
      streamed: bodyLimit({ maxSize: defaultMaxBody, onError: tooLargeFor(defaultMaxBody) }),
    },
    large: {
      max: importMaxBody,
      tooLarge: tooLargeFor(importMaxBody),
      streamed: bodyLimit({ maxSize: importMaxBody, onError: tooLargeFor(importMaxBody) }),
    },
  };
  app.use('/api/*', async (c, next) => {
    const {
      max: maxBodyBytes,
      tooLarge,
      streamed: limitStreamedBody,
    } = LARGE_BODY_PATHS.has(c.req.path) ? limits.large : limits.normal;
    // hono's bodyLimit decides by Content-Length when there is one (and no Transfer-Encoding), but
    // first reads `c.req.raw.body`, which makes @hono/node-server build a web Request and stream
    // the body through it instead of reading it directly. Same decision here without that; a body
    // without a declared length still goes through bodyLimit, which counts the bytes.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const headers = c.req.raw.headers;
    const length = headers.get('content-length');
    if (length !== null && !headers.has('transfer-encoding'))
      return Number.parseInt(length || '0', 10) > maxBodyBytes ? tooLarge(c) : next();
    return limitStreamedBody(c, next);
  });
  // Deny by default: every route is held to its rule in src/access/routes.ts (no rule, refused).
  app.use('*', routeGuard(ROUTE_ACCESS, deps.config.force.name));

  registerIncidents(app, deps, inputs);
  registerDetentions(app, deps);
  registerAgencies(app, deps);
  registerAudit(app, deps);
  registerAccessLog(app, deps);
  registerPartnerPages(app, deps, deps.partnerLinks);
  registerAlerts(app, deps);
  registerStream(app, deps.feed);
  registerReports(app, deps);
  registerMeta(app, deps.db, deps.config);
  registerPages(app, deps.config);
  registerConsole(app, deps, { inputs, publicOrigins: deps.publicOrigins });
  registerAssets(app);
  sessions.register(app);
  registerReportPage(app, deps.config, () => reportPagePeriods(deps.db, deps.clock, deps.config.force.timezone));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Token from `npm run token`',
  });
  const document = () =>
    app.getOpenAPI31Document({
      openapi: '3.1.0',
      // The public address when one is configured; else "/", the server this document was read from.
      servers: [{ url: deps.publicBaseUrl ?? '/', description: 'This server' }],
      info: {
        title: `Mental-health demand and triage API — ${deps.config.force.name}`,
        version: '0.1.0',
        description:
          'Incidents from call to close: THRIVE, grading, Right Care Right Person decisions, dispatch, partner ' +
          'referrals (emailed with a partner response link, acknowledged, answered, escalated), the partner ' +
          'directory, the handover audit, MHA s.136/s.135 detentions and the Home Office ADR return. Errors are ' +
          'RFC 9457 problem+json; 422 names the rule (R1–R45, docs/rules.md) and lists the events allowed now.',
      },
    });
  // Served by hand (not doc31) so the no-store header the middleware sets is declared on the same paths,
  // and each operation states the roles the access policy gives it.
  app.get(OPENAPI_PATH, (c) => c.json(declareAccess(declareNoStore(document()), ROUTE_ACCESS, access.policy)));

  app.notFound((c) =>
    sendProblem(c, problem(404, 'NOT_FOUND', 'Not found', `no route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      const status = err.status;
      if (status === 415)
        return sendProblem(
          c,
          problem(
            415,
            'UNSUPPORTED_MEDIA_TYPE',
            'Unsupported media type',
            'send the body as JSON with Content-Type: application/json',
          ),
        );
      const detail =
        status === 400 && /json/i.test(err.message) ? `the body is not valid JSON (${err.message})` : err.message;
      return sendProblem(
        c,
        problem(status, status === 400 ? 'MALFORMED_REQUEST' : 'HTTP_ERROR', 'Request not accepted', detail),
      );
    }
    logger.error(
      {
        requestId: c.var.requestId,
        route: c.req.routePath,
        err: { name: err.name, message: err.message, stack: err.stack },
      },
      'unhandled error',
    );
    return sendProblem(
      c,
      problem(
        500,
        'INTERNAL_ERROR',
        'Internal error',
        `something went wrong on our side; nothing was saved. Quote request id ${c.var.requestId}`,
      ),
    );
  });
  return app;
}
