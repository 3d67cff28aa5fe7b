/**
 * Sessions on the wire: the cookie (HttpOnly, SameSite=Strict, Secure with the __Host- prefix when
 * TLS is terminated in front; no expiry, so closing the browser drops it), the middleware that turns
 * it into the same `user` the bearer-token path sets, the guard for pages behind sign-in, the CSRF
 * check for form posts (Origin by hono/csrf, and the session's token from a hidden field), and the
 * check that a `next` address is a path on this site.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../../http/types.js';
import { sameSecret, type SessionLookup, type SessionStore } from './session-store.js';

/** Where people land after signing in when no page asked for it. */
export const DEFAULT_NEXT = '/account';

/** `raw` when it is a path on this site (not `//host`, not a scheme, no backslash or control characters), else null. */
export function localPath(raw: string | undefined | null): string | null {
  if (!raw || raw.length > 2000 || !raw.startsWith('/') || raw.startsWith('//')) return null;
  for (const ch of raw) if (ch === '\\' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return null;
  const base = 'http://this.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : null;
}

export class SessionCookies {
  readonly name: string;
  readonly #secure: boolean;

  constructor(secure: boolean) {
    this.#secure = secure;
    this.name = secure ? '__Host-mht_session' : 'mht_session';
  }

  read(c: Context): string | undefined {
    return getCookie(c, this.name);
  }

  write(c: Context, sessionId: string): void {
    setCookie(c, this.name, sessionId, { httpOnly: true, sameSite: 'Strict', secure: this.#secure, path: '/' });
  }

  clear(c: Context): void {
    deleteCookie(c, this.name, { httpOnly: true, sameSite: 'Strict', secure: this.#secure, path: '/' });
  }

  /** A short-lived helper cookie (sign-in attempt, sign-in form token). */
  writeShort(c: Context, name: string, value: string, o: { path: string; sameSite: 'Strict' | 'Lax' }): void {
    setCookie(c, name, value, {
      httpOnly: true,
      sameSite: o.sameSite,
      secure: this.#secure,
      path: o.path,
      maxAge: 600,
    });
  }

  clearShort(c: Context, name: string, path: string): void {
    deleteCookie(c, name, { httpOnly: true, secure: this.#secure, path });
  }
}

/** Resolves the session cookie, if any, into `c.var.session` and `c.var.user`; a dead cookie is cleared. */
export function resolveSession(store: SessionStore, cookies: SessionCookies): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = cookies.read(c);
    if (id) {
      const found: SessionLookup = store.use(id);
      if (found.ok) {
        c.set('session', found.session);
        c.set('user', found.session.user);
      } else cookies.clear(c);
    }
    await next();
  };
}

/** Pages behind sign-in: a GET without a session goes to /sign-in?next=<this page>; never cached. */
export const requireSignedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.var.session) {
    c.header('Cache-Control', 'no-store');
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const url = new URL(c.req.url);
      return c.redirect(`/sign-in?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 303);
    }
    return c.text('Your session has ended. Sign in again at /sign-in.', 401);
  }
  await next();
  c.res.headers.set('Cache-Control', 'no-store');
};

/**
 * The Origin check of every form post: the request's own origin, or one of `publicOrigins` (the
 * address people use when a proxy in front terminates TLS). A browser's `Sec-Fetch-Site:
 * same-origin` passes too (hono/csrf).
 */
export function originCheck(publicOrigins: readonly string[]): MiddlewareHandler {
  return csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || publicOrigins.includes(origin) });
}

/**
 * Runs `check` (an Origin check that throws 403) and then `token` (false = refuse); a refusal
 * becomes `refuse(c)`, and nothing behind it runs.
 */
export function formGuard(
  check: MiddlewareHandler,
  token: (c: Context<AppEnv>, form: Record<string, unknown>) => boolean,
  refuse: (c: Context<AppEnv>) => Response,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let passed = false;
    try {
      await check(c, async () => {
        passed = true;
      });
    } catch (e) {
      if (e instanceof HTTPException && e.status === 403 && !passed) return refuse(c);
      throw e;
    }
    const form = await c.req.parseBody().catch(() => ({}));
    if (!token(c, form as Record<string, unknown>)) return refuse(c);
    await next();
  };
}

/** The session's CSRF token from the hidden field `csrf`. */
export const sessionToken = (c: Context<AppEnv>, form: Record<string, unknown>) =>
  !!c.var.session && sameSecret(typeof form.csrf === 'string' ? form.csrf : null, c.var.session.csrfToken);
