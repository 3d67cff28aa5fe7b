/**
 * Security headers on every response (ACCESS.md "Headers"), with Hono's secure-headers middleware:
 * a strict Content-Security-Policy (scripts and styles only from files this server serves, no
 * inline script, nothing from elsewhere, no framing), nosniff, no referrer, DENY framing, and HSTS
 * when TLS is terminated in front.
 *
 * A route that cannot yet meet the strict policy declares its own with `cspOverride` (the app's
 * middleware keeps a policy a route set, and fills in every other header). Responses with personal
 * data are marked `Cache-Control: no-store` by `noStore`.
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

type Directives = NonNullable<Parameters<typeof secureHeaders>[0]>['contentSecurityPolicy'] & object;

export const STRICT_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  // A page may frame this site's own documents (the evidence pack in /reports), nothing else.
  frameSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
} satisfies Directives;

/** The app-wide headers; `tls`: TLS is terminated in front of the server (adds HSTS). */
export function securityHeaders(opts: { tls: boolean }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: STRICT_CSP,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: opts.tls ? 'max-age=31536000' : false,
    // Keep a Content-Security-Policy a route set through cspOverride.
    overwrite: false,
  });
}

/**
 * A route's own policy: the strict one with `changes` replacing whole directives. Use sparingly, say
 * why. `framedBySelf`: the response may be framed by this site's own pages (frame-ancestors 'self'
 * and X-Frame-Options SAMEORIGIN), never by another site.
 */
export function cspOverride(changes: Directives, opts: { framedBySelf?: boolean } = {}): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: { ...STRICT_CSP, ...changes, ...(opts.framedBySelf ? { frameAncestors: ["'self'"] } : {}) },
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    strictTransportSecurity: false,
    xContentTypeOptions: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: opts.framedBySelf ? 'SAMEORIGIN' : false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    removePoweredBy: false,
  });
}

/**
 * Marks the response as never to be stored by a browser or proxy (it carries personal data). Set on
 * the finished response's headers in place, as secure-headers does (c.header after the handler
 * would copy the response).
 */
export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
};
