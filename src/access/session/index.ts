/**
 * Console sessions, assembled from the configuration: the store (timeouts), the cookie (Secure when
 * TLS is terminated in front), the OIDC client when an identity provider is configured, the
 * middleware that resolves a session on every request, the API's acceptance of a session as an
 * alternative to a bearer token, and the sign-in routes. createApp wires these in.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { failedAuthenticationLimit, type FailedAuthenticationLimit } from '../../auth/failed-authentication.js';
import type { CommandDeps } from '../../commands/deps.js';
import { problem, problemBody } from '../../http/problem.js';
import type { AppEnv } from '../../http/types.js';
import { OidcSignIn } from './oidc-client.js';
import { resolveSession, SessionCookies } from './session-http.js';
import { sameSecret, SessionStore } from './session-store.js';
import { registerSignInRoutes } from './sign-in.routes.js';

export { localPath, requireSignedIn, formGuard, sessionToken, originCheck } from './session-http.js';
export type { ActiveSession } from './session-store.js';

export interface SessionOptions {
  /** The OIDC client secret (from OIDC_CLIENT_SECRET); required when the configuration names a provider. */
  oidcClientSecret?: string | undefined;
  /** Origins people use to reach this server besides the request's own (PUBLIC_BASE_URL behind a proxy). */
  publicOrigins?: readonly string[] | undefined;
  /** The per-address count of failed authentications the token sign-in shares with the API (default: its own). */
  failedAuthentication?: FailedAuthenticationLimit | undefined;
}

export class SessionConfigError extends Error {
  override name = 'SessionConfigError';
}

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/;

export function createSessions(deps: CommandDeps, opts: SessionOptions = {}) {
  const cfg = deps.config.signIn;
  if (cfg.oidc && !opts.oidcClientSecret)
    throw new SessionConfigError(
      'signIn.oidc is configured but OIDC_CLIENT_SECRET is not set: set it to the client secret of the application ' +
        `'${cfg.oidc.clientId}' registered at ${cfg.oidc.issuer}`,
    );
  const store = new SessionStore(deps.db, deps.clock, {
    idleMinutes: cfg.idleTimeoutMinutes,
    absoluteHours: cfg.absoluteTimeoutHours,
  });
  const cookies = new SessionCookies(cfg.tlsTerminatedInFront);
  const oidc = cfg.oidc ? new OidcSignIn(cfg.oidc, opts.oidcClientSecret!, deps.clock) : null;
  const publicOrigins = opts.publicOrigins ?? [];
  const failedAuthentication = opts.failedAuthentication ?? failedAuthenticationLimit(deps.clock, deps.config);
  return {
    store,
    /** On every request: a session cookie becomes c.var.session and c.var.user. */
    resolve: resolveSession(store, cookies),
    /**
     * For /api: a request with no Authorization header but a live session is that session's user
     * (a page of the console calling the API); a change (POST …) must also carry the session's CSRF
     * token in X-CSRF-Token. Anything else goes to `bearer`.
     */
    apiAuth(bearer: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
      return async (c, next) => {
        const session = c.var.session;
        if (c.req.header('authorization') !== undefined || !session) return bearer(c, next);
        if (!SAFE_METHOD.test(c.req.method) && !sameSecret(c.req.header('x-csrf-token'), session.csrfToken))
          return c.json(
            problemBody(
              problem(
                403,
                'CSRF_TOKEN_REQUIRED',
                'CSRF token required',
                'a change made with a session cookie must send the session’s CSRF token in X-CSRF-Token',
              ),
            ),
            403,
            { 'content-type': 'application/problem+json' },
          );
        await next();
      };
    },
    register(app: Hono<AppEnv>) {
      registerSignInRoutes(app, deps, { store, cookies, oidc, publicOrigins, failedAuthentication });
    },
  };
}
