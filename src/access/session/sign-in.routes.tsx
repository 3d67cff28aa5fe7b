/**
 * The sign-in routes of the console:
 *   GET  /sign-in                 the form (API token; "Sign in with <provider>" when OIDC is configured)
 *   POST /sign-in                 exchange a valid API token for a session
 *   GET  /sign-in/oidc            start the authorization code flow (PKCE) at the identity provider
 *   GET  /sign-in/oidc/callback   back from the provider: role from the mapped claim, then a session
 *   POST /sign-out                end the session on the server
 *   GET  /account                 who is signed in, until when (a page behind sign-in)
 *
 * After the provider the browser gets a small page that refreshes to where it was going, not a
 * redirect: the session cookie is SameSite=Strict, and a browser does not send it on a redirect
 * chain that began at another site, so the first page would look signed out.
 * Failed token sign-ins are rate-limited per client address (429 with Retry-After). Sign-ins, refused
 * sign-ins and sign-outs are written to the access log (ids and codes only).
 */
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { FailedAuthenticationLimit } from '../../auth/failed-authentication.js';
import { type AuthenticatedUser, tokenAuthentication, type TokenRefusal } from '../../auth/tokens.js';
import { ANONYMOUS, logAccess } from '../access-log.js';
import type { CommandDeps } from '../../commands/deps.js';
import type { AppEnv } from '../../http/types.js';
import { OidcUnavailable, type OidcSignIn } from './oidc-client.js';
import { signInOidcUser } from './oidc-users.js';
import { AccountPage, ContinuePage, RefusedPage, render, SignInPage } from './pages.js';
import { roleFromClaims } from './role-mapping.js';
import {
  DEFAULT_NEXT,
  formGuard,
  localPath,
  originCheck,
  requireSignedIn,
  sessionToken,
  type SessionCookies,
} from './session-http.js';
import { sameSecret, type SessionStore, type SignInMethod } from './session-store.js';

const FORM_COOKIE = 'mht_signin_form';
const ATTEMPT_COOKIE = 'mht_oidc_attempt';
const OIDC_PATH = '/sign-in/oidc';

export interface SignInParts {
  store: SessionStore;
  cookies: SessionCookies;
  oidc: OidcSignIn | null;
  publicOrigins: readonly string[];
  /** Failed token sign-ins count against the client address, with the API's (access.failedAuthenticationLimit). */
  failedAuthentication: FailedAuthenticationLimit;
}

export function registerSignInRoutes(app: Hono<AppEnv>, deps: CommandDeps, parts: SignInParts) {
  const { store, cookies, oidc } = parts;
  const force = deps.config.force.name;
  const authenticate = tokenAuthentication(deps.db, deps.clock);
  const page = (c: Context, status: number, body: unknown) => {
    c.header('Cache-Control', 'no-store');
    return c.html(render(body), status as 200);
  };
  const refused = (c: Context, status: number, title: string, message: string) =>
    page(c, status, <RefusedPage force={force} title={title} message={message} />);
  const formRefused = (c: Context) =>
    refused(
      c,
      403,
      'Form not accepted',
      'This form did not come from this site or has expired. Nothing was changed. Reload the page and try again.',
    );

  /** The sign-in form, with a fresh form token (double-submitted: cookie and hidden field). */
  const signInForm = (c: Context<AppEnv>, status: number, next: string, extra: { message?: string } = {}) => {
    const formToken = randomBytes(24).toString('base64url');
    cookies.writeShort(c, FORM_COOKIE, formToken, { path: '/sign-in', sameSite: 'Strict' });
    return page(
      c,
      status,
      <SignInPage
        force={force}
        next={next}
        formToken={formToken}
        providerName={oidc?.config.providerName ?? null}
        message={extra.message}
        signedOut={c.req.query('signedOut') === '1'}
      />,
    );
  };

  /** A sign-in or sign-out, or a refused sign-in (under `anonymous`: the user is not known), in the access log. */
  const logSignIn = (
    c: Context<AppEnv>,
    e: { user?: AuthenticatedUser; kind?: 'signIn' | 'signOut'; action: string; refusal?: string },
  ) =>
    logAccess(deps, {
      userId: e.user?.id ?? ANONYMOUS,
      role: e.user?.role ?? 'none',
      kind: e.kind ?? 'signIn',
      action: e.action,
      operation: null,
      outcome: e.refusal ? 'refused' : 'succeeded',
      refusal: e.refusal ?? null,
      requestId: c.get('requestId') ?? null,
    });

  const begin = async (c: Context<AppEnv>, user: AuthenticatedUser, method: SignInMethod) => {
    const old = cookies.read(c);
    if (old) store.end(old, 'replaced');
    const id = store.start(user.id, method);
    await logSignIn(c, { user, action: `signIn.${method}` });
    cookies.write(c, id);
  };

  app.get('/sign-in', (c) => signInForm(c, 200, localPath(c.req.query('next')) ?? DEFAULT_NEXT));

  app.post(
    '/sign-in',
    parts.failedAuthentication.guard(
      (c) => c.res.status === 401,
      (c, seconds) =>
        refused(c, 429, 'Too many attempts', `Too many sign-in attempts from this address. Try again in ${seconds} s.`),
    ),
    formGuard(
      originCheck(parts.publicOrigins),
      (c, form) => sameSecret(typeof form.csrf === 'string' ? form.csrf : null, getCookie(c, FORM_COOKIE) ?? ''),
      formRefused,
    ),
    async (c) => {
      const form = await c.req.parseBody();
      const next = localPath(typeof form.next === 'string' ? form.next : null) ?? DEFAULT_NEXT;
      const token = typeof form.token === 'string' ? form.token.trim() : '';
      const checked = token ? authenticate(token) : null;
      if (!checked?.ok) {
        if (checked) await logSignIn(c, { action: 'signIn.token', refusal: `TOKEN_${checked.reason.toUpperCase()}` });
        return signInForm(c, 401, next, { message: checked ? signInRefusal(checked) : 'Enter your API token.' });
      }
      cookies.clearShort(c, FORM_COOKIE, '/sign-in');
      await begin(c, checked.user, 'token');
      return c.redirect(next, 303);
    },
  );

  app.get(OIDC_PATH, async (c) => {
    if (!oidc)
      return refused(c, 404, 'Not available', 'This server is not set up to sign in with an identity provider.');
    const next = localPath(c.req.query('next')) ?? DEFAULT_NEXT;
    try {
      const { url, attemptId } = await oidc.begin(next);
      cookies.writeShort(c, ATTEMPT_COOKIE, attemptId, { path: OIDC_PATH, sameSite: 'Lax' });
      c.header('Cache-Control', 'no-store');
      return c.redirect(url.href, 302);
    } catch (e) {
      if (e instanceof OidcUnavailable)
        return refused(
          c,
          503,
          'Identity provider unavailable',
          `${e.message}. Try again, or sign in with an API token.`,
        );
      throw e;
    }
  });

  app.get(`${OIDC_PATH}/callback`, async (c) => {
    if (!oidc)
      return refused(c, 404, 'Not available', 'This server is not set up to sign in with an identity provider.');
    const attemptId = getCookie(c, ATTEMPT_COOKIE);
    cookies.clearShort(c, ATTEMPT_COOKIE, OIDC_PATH);
    let done: Awaited<ReturnType<OidcSignIn['finish']>>;
    try {
      done = await oidc.finish(attemptId, new URL(c.req.url).search);
    } catch (e) {
      const detail = e instanceof OidcUnavailable ? e.message : describeOidcError(e);
      return refused(c, e instanceof OidcUnavailable ? 503 : 400, 'Sign-in did not complete', detail);
    }
    if (!done)
      return refused(
        c,
        400,
        'Sign-in expired',
        'This sign-in was started too long ago, in another browser, or has already been used. Start again.',
      );
    const decision = roleFromClaims(done.claims, oidc.config);
    if (!decision.ok) await logSignIn(c, { action: 'signIn.oidc', refusal: 'NO_ROLE_MAPPED' });
    if (!decision.ok)
      return refused(
        c,
        403,
        'No access to this system',
        `You signed in, but ${decision.reason}. Nothing was recorded. Ask your system administrator for access.`,
      );
    const str = (k: string) => (typeof done.claims[k] === 'string' ? (done.claims[k] as string) : null);
    const result = signInOidcUser(
      deps.db,
      deps.clock,
      {
        issuer: done.issuer,
        subject: String(done.claims.sub),
        displayName: str(oidc.config.nameClaim),
        username: str('preferred_username') ?? str('email'),
      },
      decision.role,
    );
    if (!result.ok) {
      await logSignIn(c, { action: 'signIn.oidc', refusal: 'USER_DISABLED' });
      return refused(c, 403, 'Account disabled', 'Your account in this system is disabled. Ask your administrator.');
    }
    await begin(c, result.user, 'oidc');
    return page(c, 200, <ContinuePage force={force} next={done.next} />);
  });

  app.post(
    '/sign-out',
    formGuard(originCheck(parts.publicOrigins), (c, form) => !c.var.session || sessionToken(c, form), formRefused),
    async (c) => {
      const id = cookies.read(c);
      if (id && c.var.session) {
        store.end(id, 'signedOut');
        await logSignIn(c, { user: c.var.session.user, kind: 'signOut', action: 'signOut' });
      }
      cookies.clear(c);
      c.header('Cache-Control', 'no-store');
      return c.redirect('/sign-in?signedOut=1', 303);
    },
  );

  app.get('/account', requireSignedIn, (c) =>
    page(c, 200, <AccountPage force={force} session={c.var.session!} timeZone={deps.config.force.timezone} />),
  );
}

/** Why a token does not sign in, in words for the form. */
function signInRefusal(r: TokenRefusal): string {
  switch (r.reason) {
    case 'expired':
      return `That API token expired at ${r.at}. Ask your administrator for a new one.`;
    case 'revoked':
      return 'That API token has been revoked. Ask your administrator for a new one.';
    default:
      return 'That API token is not valid (unknown, revoked, or its user is disabled).';
  }
}

/** A provider's refusal or a failed check, in words a person can pass on (no tokens, no claims). */
function describeOidcError(e: unknown): string {
  const err = e as { error?: string; error_description?: string; message?: string };
  if (err.error === 'access_denied') return 'You cancelled the sign-in, or the identity provider refused it.';
  if (err.error)
    return `The identity provider answered '${err.error}'${err.error_description ? `: ${err.error_description}` : ''}.`;
  const why = err.message ?? 'unknown error';
  return `The answer from the identity provider did not pass the checks (${why}). Start again.`;
}
