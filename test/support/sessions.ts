/**
 * Signing in the way a browser does, through app.request: fetch the sign-in form (its form token
 * comes as a cookie and a hidden field), post an API token with the page's Origin, keep the session
 * cookie. Used by the session tests and by anything that needs a signed-in console user.
 */
import type { Harness } from './harness.js';

export const ORIGIN = 'http://localhost';

/** The value of hidden field `name` in an HTML page. */
export const hiddenField = (html: string, name: string) =>
  new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? null;

/** `name=value` of each Set-Cookie of a response, by name (an empty value = cleared). */
export function setCookies(res: Response): Record<string, { value: string; header: string }> {
  return Object.fromEntries(
    res.headers.getSetCookie().map((header) => {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      return [pair!.slice(0, eq), { value: pair!.slice(eq + 1), header }];
    }),
  );
}

export interface PageRequest {
  cookie?: string | undefined;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  origin?: string | null;
}

/** A request as a browser on this site sends it (Origin on posts unless `origin: null`). */
export function browserRequest(h: Harness, method: string, path: string, o: PageRequest = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.cookie) headers.cookie = o.cookie;
  if (method !== 'GET' && o.origin !== null) headers.origin = o.origin ?? ORIGIN;
  let body: string | undefined;
  if (o.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(o.form).toString();
  }
  return Promise.resolve(h.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) }));
}

/** Sign in with `token` at /sign-in; returns the response and the session cookie (`name=value`). */
export async function signInWithToken(h: Harness, token: string, next?: string) {
  const form = await browserRequest(h, 'GET', `/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  const html = await form.text();
  const formCookie = setCookies(form).mht_signin_form!.value;
  const res = await browserRequest(h, 'POST', '/sign-in', {
    cookie: `mht_signin_form=${formCookie}`,
    form: { csrf: hiddenField(html, 'csrf')!, next: hiddenField(html, 'next')!, token },
  });
  const session = setCookies(res).mht_session;
  return { res, cookie: session ? `mht_session=${session.value}` : undefined, setCookie: session?.header };
}

/** The session's CSRF token, read from the account page's sign-out form. */
export async function csrfOf(h: Harness, cookie: string): Promise<string> {
  const page = await browserRequest(h, 'GET', '/account', { cookie });
  return hiddenField(await page.text(), 'csrf')!;
}
