/**
 * Console sessions through the app as a browser uses it (ACCESS.md "Sign-in and sessions"): an API
 * token exchanged for a server-side session at /sign-in, the cookie's attributes, the idle and
 * absolute timeouts on the injected clock, CSRF refusals that change nothing, sign-out that kills
 * the cookie on the server, pages behind sign-in, and the API taking the session for the same user.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { browserRequest, csrfOf, hiddenField, ORIGIN, setCookies, signInWithToken } from '../support/sessions.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.close());

const sessionRows = () =>
  h.db.$client.prepare('SELECT id_hash, method, end_reason FROM sessions ORDER BY created_at').all() as {
    id_hash: string;
    method: string;
    end_reason: string | null;
  }[];
/** GET /account: the signed-in page, or where it sends a visitor who is not signed in. */
const account = (cookie: string | undefined) => browserRequest(h, 'GET', '/account', { cookie });

describe('token sign-in', () => {
  it('the form has a field labelled "API token" and a button "Sign in"; no identity provider is offered', async () => {
    const res = await browserRequest(h, 'GET', '/sign-in');
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toMatch(/<label for="token">API token<\/label>/);
    expect(html).toContain('<input type="password" id="token" name="token"');
    expect(html).toMatch(/<button type="submit">Sign in<\/button>/);
    expect(html).not.toContain('Sign in with');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('a valid token becomes a server-side session; cookie HttpOnly, SameSite=Strict, Path=/, not Secure', async () => {
    const { res, cookie, setCookie } = await signInWithToken(h, h.tokens.supervisor, '/account?tab=1');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account?tab=1');
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/Secure|Max-Age|Expires/i);
    // Only the SHA-256 of the session id is stored.
    const id = cookie!.split('=')[1]!;
    expect(sessionRows()).toEqual([
      { id_hash: createHash('sha256').update(id).digest('hex'), method: 'token', end_reason: null },
    ]);
    const page = await account(cookie);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Test supervisor');
    expect(html).toContain('<code>supervisor</code>');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('with TLS terminated in front the cookie is Secure and __Host- prefixed', async () => {
    await h.close();
    h = createHarness({ config: (c) => ({ ...c, signIn: { ...c.signIn, tlsTerminatedInFront: true } }) });
    const form = await browserRequest(h, 'GET', '/sign-in');
    expect(setCookies(form).mht_signin_form!.header).toMatch(/; Secure/);
    const html = await form.text();
    const res = await browserRequest(h, 'POST', '/sign-in', {
      cookie: `mht_signin_form=${setCookies(form).mht_signin_form!.value}`,
      form: { csrf: hiddenField(html, 'csrf')!, next: '/account', token: h.tokens.call_handler },
    });
    const session = setCookies(res)['__Host-mht_session'];
    expect(session!.header).toMatch(/; Secure/);
    expect(session!.header).toMatch(/; HttpOnly/);
    expect(session!.header).toMatch(/; SameSite=Strict/);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('a wrong or empty token: 401 with the form again, no session, no cookie', async () => {
    for (const token of ['mht_not-a-real-token', '']) {
      const { res, cookie } = await signInWithToken(h, token);
      expect(res.status).toBe(401);
      expect(await res.text()).toMatch(token ? /That API token is not valid/ : /Enter your API token/);
      expect(cookie).toBeUndefined();
    }
    expect(sessionRows()).toEqual([]);
  });

  it('failed token sign-ins are rate-limited per client address: 429 with Retry-After, then recovery', async () => {
    await h.close();
    h = createHarness({ config: (c) => ({ ...c, web: { ...c.web, trustForwardedFor: true } }) });
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const attempt = async (address: string, token: string) => {
      const form = await browserRequest(h, 'GET', '/sign-in');
      const html = await form.text();
      return browserRequest(h, 'POST', '/sign-in', {
        cookie: `mht_signin_form=${setCookies(form).mht_signin_form!.value}`,
        headers: from(address),
        form: { csrf: hiddenField(html, 'csrf')!, next: '/account', token },
      });
    };
    for (let i = 0; i < 10; i++) expect((await attempt('203.0.113.7', 'mht_wrong')).status).toBe(401);
    const limited = await attempt('203.0.113.7', h.tokens.call_handler);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(sessionRows()).toEqual([]);
    // Another address is not affected; the first recovers when the window has passed.
    expect((await attempt('198.51.100.2', h.tokens.call_handler)).status).toBe(303);
    h.clock.advanceSeconds(59);
    expect((await attempt('203.0.113.7', h.tokens.call_handler)).status).toBe(429);
    h.clock.advanceSeconds(1);
    expect((await attempt('203.0.113.7', h.tokens.call_handler)).status).toBe(303);
  });
});

describe('pages behind sign-in', () => {
  it('without a session a page sends the browser to /sign-in?next=<the page>, and the form carries it', async () => {
    const res = await account(undefined);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Faccount');
    const form = await (await browserRequest(h, 'GET', '/sign-in?next=%2Faccount%3Fx%3D1')).text();
    expect(hiddenField(form, 'next')).toBe('/account?x=1');
  });

  it('next must be a path on this site: other sites, //host, schemes, backslashes → /account', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'x']) {
      const form = await (await browserRequest(h, 'GET', `/sign-in?next=${encodeURIComponent(next)}`)).text();
      expect(hiddenField(form, 'next'), next).toBe('/account');
    }
    // Posted directly, a foreign next is ignored too.
    const form = await browserRequest(h, 'GET', '/sign-in');
    const res = await browserRequest(h, 'POST', '/sign-in', {
      cookie: `mht_signin_form=${setCookies(form).mht_signin_form!.value}`,
      form: { csrf: hiddenField(await form.text(), 'csrf')!, next: '//evil.example/', token: h.tokens.mh_lead },
    });
    expect(res.headers.get('location')).toBe('/account');
  });

  it('the API takes the session as the same user a bearer token gives', async () => {
    const { cookie } = await signInWithToken(h, h.tokens.supervisor);
    const bySession = await browserRequest(h, 'GET', '/api/config', { cookie });
    expect(bySession.status).toBe(200);
    expect(bySession.headers.get('cache-control')).toBe('no-store');
    expect((await browserRequest(h, 'GET', '/api/config')).status).toBe(401);
  });
});

describe('timeouts (injected clock)', () => {
  it('idle: a session used every 14 minutes lives on; 15 minutes unused ends it on the server', async () => {
    const { cookie } = await signInWithToken(h, h.tokens.call_handler);
    for (let i = 0; i < 4; i++) {
      h.clock.advanceMinutes(14);
      expect((await account(cookie)).status).toBe(200);
    }
    h.clock.advanceMinutes(15);
    const res = await account(cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/sign-in?next=%2Faccount');
    expect(setCookies(res).mht_session!.value).toBe('');
    expect(sessionRows()[0]!.end_reason).toBe('idle');
    // Ended is ended: coming back to it at once does not revive it.
    expect((await browserRequest(h, 'GET', '/api/config', { cookie })).status).toBe(401);
  });

  it('absolute: even a session in constant use ends 12 hours after sign-in', async () => {
    const { cookie } = await signInWithToken(h, h.tokens.dispatcher);
    for (let minutes = 10; minutes < 12 * 60; minutes += 10) {
      h.clock.advanceMinutes(10);
      expect((await account(cookie)).status, `after ${minutes} minutes`).toBe(200);
    }
    h.clock.advanceMinutes(10);
    expect((await account(cookie)).status).toBe(303);
    expect(sessionRows()[0]!.end_reason).toBe('absolute');
  });

  it('both timeouts come from the configuration', async () => {
    await h.close();
    h = createHarness({
      config: (c) => ({ ...c, signIn: { ...c.signIn, idleTimeoutMinutes: 5, absoluteTimeoutHours: 1 } }),
    });
    const idle = (await signInWithToken(h, h.tokens.call_handler)).cookie;
    const busy = (await signInWithToken(h, h.tokens.supervisor)).cookie;
    h.clock.advanceMinutes(4);
    expect((await account(busy)).status).toBe(200);
    h.clock.advanceMinutes(1);
    expect((await account(idle)).status).toBe(303);
    expect((await account(busy)).status).toBe(200);
    // Used every 4 minutes from minute 5: fine up to minute 57, ended at minute 61 (one hour after sign-in).
    for (let minute = 9; minute <= 61; minute += 4) {
      h.clock.advanceMinutes(4);
      expect((await account(busy)).status, `minute ${minute}`).toBe(minute < 60 ? 200 : 303);
    }
  });
});

describe('CSRF and sign-out', () => {
  it('sign-out without the CSRF token, or from another origin: 403 and nothing changes', async () => {
    const { cookie } = await signInWithToken(h, h.tokens.call_handler);
    const csrf = await csrfOf(h, cookie!);
    const attempts = [
      browserRequest(h, 'POST', '/sign-out', { cookie, form: {} }),
      browserRequest(h, 'POST', '/sign-out', { cookie, form: { csrf: `${csrf.slice(0, -2)}xx` } }),
      browserRequest(h, 'POST', '/sign-out', { cookie, form: { csrf }, origin: 'https://evil.example' }),
      browserRequest(h, 'POST', '/sign-out', { cookie, form: { csrf }, origin: null }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Form not accepted');
    }
    expect(sessionRows()[0]!.end_reason).toBeNull();
    expect((await account(cookie)).status).toBe(200);
  });

  it('the sign-in form needs its own form token and this origin: otherwise 403 and no session', async () => {
    const form = await browserRequest(h, 'GET', '/sign-in');
    const formCookie = `mht_signin_form=${setCookies(form).mht_signin_form!.value}`;
    const csrf = hiddenField(await form.text(), 'csrf')!;
    const fields = { next: '/account', token: h.tokens.call_handler };
    const refused = [
      browserRequest(h, 'POST', '/sign-in', { form: { ...fields, csrf } }),
      browserRequest(h, 'POST', '/sign-in', { cookie: formCookie, form: fields }),
      browserRequest(h, 'POST', '/sign-in', { cookie: formCookie, form: { ...fields, csrf }, origin: 'http://evil' }),
    ];
    for (const res of await Promise.all(refused)) expect(res.status).toBe(403);
    expect(sessionRows()).toEqual([]);
    const ok = await browserRequest(h, 'POST', '/sign-in', { cookie: formCookie, form: { ...fields, csrf } });
    expect(ok.status).toBe(303);
  });

  it('an API change made with the session cookie needs X-CSRF-Token: without it 403 and nothing written', async () => {
    const { cookie } = await signInWithToken(h, h.tokens.call_handler);
    const body = JSON.stringify({
      receivedAt: h.clock.at(-5),
      channel: '999',
      category: 'concernForWelfare',
      district: 'Maidstone',
      locationClass: 'urban',
      mhFlagAtCall: true,
      summary: 'welfare concern',
    });
    const headers = { 'content-type': 'application/json', origin: ORIGIN };
    const without = await browserRequest(h, 'POST', '/api/incidents', {
      cookie,
      headers: { ...headers },
      origin: null,
    });
    expect(without.status).toBe(403);
    expect((await without.json()).code).toBe('CSRF_TOKEN_REQUIRED');
    expect(h.count('incidents')).toBe(0);
    const csrf = await csrfOf(h, cookie!);
    const res = await h.app.request('/api/incidents', {
      method: 'POST',
      headers: { ...headers, cookie: cookie!, 'x-csrf-token': csrf },
      body,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(h.count('incidents')).toBe(1);
  });

  it('sign-out ends the session on the server: the old cookie no longer opens a page or the API', async () => {
    const { cookie } = await signInWithToken(h, h.tokens.mh_lead);
    const csrf = await csrfOf(h, cookie!);
    const out = await browserRequest(h, 'POST', '/sign-out', { cookie, form: { csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/sign-in?signedOut=1');
    expect(setCookies(out).mht_session!.value).toBe('');
    expect(sessionRows()[0]!.end_reason).toBe('signedOut');
    // The browser may have kept a copy of the cookie: it is dead on the server.
    expect((await account(cookie)).status).toBe(303);
    expect((await browserRequest(h, 'GET', '/api/config', { cookie })).status).toBe(401);
    expect(await (await browserRequest(h, 'GET', '/sign-in?signedOut=1')).text()).toContain('You have signed out.');
  });

  it('signing in again replaces the session the browser had', async () => {
    const first = (await signInWithToken(h, h.tokens.call_handler)).cookie!;
    const form = await browserRequest(h, 'GET', '/sign-in', { cookie: first });
    const res = await browserRequest(h, 'POST', '/sign-in', {
      cookie: `${first}; mht_signin_form=${setCookies(form).mht_signin_form!.value}`,
      form: { csrf: hiddenField(await form.text(), 'csrf')!, next: '/account', token: h.tokens.supervisor },
    });
    expect(res.status).toBe(303);
    expect(sessionRows().map((r) => r.end_reason)).toEqual(['replaced', null]);
    expect((await account(first)).status).toBe(303);
  });
});
