/**
 * OpenID Connect sign-in in real Chromium against a real provider (oidc-provider on 127.0.0.1,
 * started here), with the app served on `localhost` so that the provider is another site, as the
 * force's Entra ID is: the authorization code flow with PKCE, the role taken from the `roles` claim
 * through the configured mapping at every sign-in, the SameSite=Strict session cookie carried on
 * after the provider, and a clear refusal (403, nothing created) for a person with no mapped role.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { createHarness, type Harness } from '../support/harness.js';
import { CLIENT_ID, CLIENT_SECRET, startOidcProvider, type TestAccount } from '../support/oidc-provider.js';

let browser: Browser;
let h: Harness;
let server: ServerType;
let idp: Awaited<ReturnType<typeof startOidcProvider>>;
let base: string;
let context: BrowserContext;
let accounts: Record<string, TestAccount>;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  // The app's address is needed by the provider (redirect URI) and the provider's by the app (issuer).
  let fetchApp: (req: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  server = serve({ fetch: (req) => fetchApp(req), port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
  accounts = {
    alice: { name: 'Alice Inspector', roles: ['Staff', 'MH.Supervisor'] },
    bob: { name: 'Bob Contractor', roles: ['Staff'] },
  };
  idp = await startOidcProvider(`${base}/sign-in/oidc/callback`, accounts);
  h = createHarness({
    oidcClientSecret: CLIENT_SECRET,
    config: (c) => ({
      ...c,
      signIn: {
        ...c.signIn,
        oidc: {
          providerName: 'Force Entra ID',
          issuer: idp.issuer,
          clientId: CLIENT_ID,
          redirectUrl: `${base}/sign-in/oidc/callback`,
          scopes: ['openid', 'profile'],
          roleClaim: 'roles',
          roleMapping: [
            { claimValue: 'MH.Supervisor', role: 'supervisor' },
            { claimValue: 'MH.CallHandler', role: 'call_handler' },
          ],
          nameClaim: 'name',
        },
      },
    }),
  });
  fetchApp = h.app.fetch;
  context = await browser.newContext();
});
afterEach(async () => {
  await context?.close();
  server?.close();
  await idp?.close();
  await h?.close();
});

/**
 * From a page behind sign-in to the provider and back. The first time the provider shows its login
 * and consent pages (any password for a known login); later it remembers the person (single sign-on)
 * and sends the browser straight back.
 */
async function signInAtProvider(page: Page, login: string | null) {
  await page.goto(`${base}/account`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await page.getByRole('link', { name: 'Sign in with Force Entra ID' }).click();
  if (login) {
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any password');
    await page.click('button:has-text("Sign-in")');
    await page.click('button:has-text("Continue")');
  }
  await page.waitForURL((u) => u.origin === base && u.pathname !== '/sign-in');
}

const users = () =>
  h.db.$client.prepare(`SELECT name, role, oidc_issuer, oidc_subject FROM users WHERE oidc_subject IS NOT NULL`).all();

describe('OIDC sign-in in a browser', () => {
  it('signs in at the provider; the role comes from the roles claim, again at every sign-in', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && new URL(page.url()).origin === base && problems.push(m.text()));

    await signInAtProvider(page, 'alice');
    // The callback page refreshes to /account, and the SameSite=Strict cookie goes with it.
    await page.waitForURL(`${base}/account`);
    expect(await page.locator('#user-name').textContent()).toBe('Alice Inspector');
    expect(await page.locator('#user-role').textContent()).toContain('supervisor');
    expect(users()).toEqual([
      { name: 'Alice Inspector', role: 'supervisor', oidc_issuer: idp.issuer, oidc_subject: 'alice' },
    ]);
    const cookie = (await context.cookies(base)).find((c) => c.name === 'mht_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
    expect(h.db.$client.prepare(`SELECT method FROM sessions WHERE ended_at IS NULL`).pluck().all()).toEqual(['oidc']);

    // The session is the user of the API too.
    const api = await page.evaluate(() => fetch('/api/config').then((r) => r.status));
    expect(api).toBe(200);

    await page.click('button:has-text("Sign out")');
    await page.waitForURL(`${base}/sign-in?signedOut=1`);
    expect(await page.locator('[role=status]').textContent()).toContain('You have signed out.');

    // The provider now gives Alice another app role: the next sign-in takes it, on the same user row.
    accounts.alice!.roles = ['MH.CallHandler'];
    await signInAtProvider(page, null);
    await page.waitForURL(`${base}/account`);
    expect(await page.locator('#user-role').textContent()).toContain('call_handler');
    expect(users()).toEqual([
      { name: 'Alice Inspector', role: 'call_handler', oidc_issuer: idp.issuer, oidc_subject: 'alice' },
    ]);
    // Each sign-in and the sign-out are in the access log, in the role of the moment.
    const signIns = h.db.$client.prepare(
      `SELECT role, kind, action, outcome FROM access_audit WHERE kind IN ('signIn', 'signOut') ORDER BY id`,
    );
    expect(signIns.all()).toEqual([
      { role: 'supervisor', kind: 'signIn', action: 'signIn.oidc', outcome: 'succeeded' },
      { role: 'supervisor', kind: 'signOut', action: 'signOut', outcome: 'succeeded' },
      { role: 'call_handler', kind: 'signIn', action: 'signIn.oidc', outcome: 'succeeded' },
    ]);
    expect(problems, 'no CSP violations or script errors on our pages').toEqual([]);
  }, 60_000);

  it('a person whose claim maps to no role is refused with 403, and no user or session is created', async () => {
    const page = await context.newPage();
    const usersBefore = h.count('users');
    const statuses: number[] = [];
    page.on('response', (r) => r.url().startsWith(`${base}/sign-in/oidc/callback`) && statuses.push(r.status()));
    await signInAtProvider(page, 'bob');
    expect(statuses).toEqual([403]);
    expect(await page.locator('h1').textContent()).toBe('No access to this system');
    expect(await page.locator('[role=alert]').textContent()).toContain(
      "none of your 'roles' values is mapped to a role in this system",
    );
    expect(h.count('users')).toBe(usersBefore);
    expect(h.count('sessions')).toBe(0);
    const refusal = h.db.$client.prepare(`SELECT user_id, outcome FROM access_audit WHERE refusal = 'NO_ROLE_MAPPED'`);
    expect(refusal.all()).toEqual([{ user_id: 'anonymous', outcome: 'refused' }]);
    expect((await context.cookies(base)).some((c) => c.name === 'mht_session')).toBe(false);
  }, 60_000);

  it('the provider step must finish within ten minutes, in the browser that started it', async () => {
    const start = await h.app.request('/sign-in/oidc?next=%2Faccount');
    expect(start.status).toBe(302);
    const to = new URL(start.headers.get('location')!);
    expect(to.origin).toBe(idp.issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('redirect_uri')).toBe(`${base}/sign-in/oidc/callback`);
    const attempt = start.headers.getSetCookie().find((c) => c.startsWith('mht_oidc_attempt='))!;
    expect(attempt).toMatch(/; HttpOnly/);
    expect(attempt).toMatch(/; SameSite=Lax/);
    expect(attempt).toMatch(/; Path=\/sign-in\/oidc/);
    const callback = (cookie?: string) =>
      h.app.request(`/sign-in/oidc/callback?code=abc&state=${to.searchParams.get('state')}`, {
        headers: cookie ? { cookie } : {},
      });
    expect((await callback()).status).toBe(400);
    h.clock.advanceMinutes(10);
    const late = await callback(attempt.split(';')[0]);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('Sign-in expired');
    expect(h.count('sessions')).toBe(0);
  });
});
