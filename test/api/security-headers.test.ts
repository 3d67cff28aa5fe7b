/**
 * Security headers on every response (ACCESS.md "Headers"): the test walks the app's own route
 * list (every page and API route, each method), adds the OpenAPI document, a 404, a 401 and a
 * bad request, and checks each answer: the strict Content-Security-Policy (or the route's declared
 * override, which still forbids framing), nosniff, no referrer, no framing, and `Cache-Control:
 * no-store` on every API answer but the OpenAPI document and on pages behind sign-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { signInWithToken } from '../support/sessions.js';

let h: Harness;
let session: string;
beforeAll(async () => {
  h = createHarness();
  session = (await signInWithToken(h, h.tokens.supervisor)).cookie!;
});
afterAll(() => h.close());

const STRICT =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Routes whose pages cannot yet meet the strict policy, and what each is allowed beyond it. */
const OVERRIDES: Record<string, string> = {
  '/docs': "style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  '/api/reports/evidence-pack': "style-src 'unsafe-inline'; img-src data:",
  '/api/detentions/:id/export': "style-src 'unsafe-inline'",
};
/** Answers that this site's own pages may frame (the evidence pack in /reports). */
const FRAMED_BY_SELF = new Set(['/api/reports/evidence-pack']);
/** API answers that may be cached: the OpenAPI document carries no personal data. */
const CACHEABLE_API = new Set(['/api/openapi.json']);
/** Pages that need a signed-in session. */
const SIGNED_IN_PAGES = new Set(['/account', '/reports']);

const concrete = (path: string) =>
  path
    .replace(':file', 'site.css')
    .replace(/:[A-Za-z]+/g, 'not-a-real-id')
    .replace(/\*$/, 'x');

function checkHeaders(where: string, path: string, res: Response) {
  const csp = res.headers.get('content-security-policy');
  const override = OVERRIDES[path];
  if (override) {
    for (const d of override.split('; ')) expect(csp, where).toContain(d);
    // The evidence pack may be framed by this site's /reports page, and by no other site.
    expect(csp, where).toContain(FRAMED_BY_SELF.has(path) ? "frame-ancestors 'self'" : "frame-ancestors 'none'");
    expect(csp, where).toContain("default-src 'none'");
    expect(csp, where).not.toContain('unsafe-eval');
  } else expect(csp, where).toBe(STRICT);
  expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
  expect(res.headers.get('referrer-policy'), where).toBe('no-referrer');
  expect(res.headers.get('x-frame-options'), where).toBe(FRAMED_BY_SELF.has(path) ? 'SAMEORIGIN' : 'DENY');
  if ((path.startsWith('/api/') && !CACHEABLE_API.has(path)) || SIGNED_IN_PAGES.has(path))
    expect(res.headers.get('cache-control'), where).toBe('no-store');
}

describe('security headers', () => {
  it('every route in the app answers with them: with a token, with a session, and with no credential', async () => {
    const routes = h.app.routes.filter((r) => r.method !== 'ALL');
    const seen = new Set(routes.map((r) => `${r.method} ${r.path}`));
    // The walk covers pages and the API (a sanity check that the route list is the real one).
    for (const r of ['GET /', 'GET /docs', 'GET /reports', 'GET /sign-in', 'POST /sign-out', 'GET /account'])
      expect(seen, r).toContain(r);
    expect(routes.filter((r) => r.path.startsWith('/api/')).length).toBeGreaterThan(15);
    expect(seen).toContain('GET /partner/referrals/:token');

    let checked = 0;
    for (const { method, path } of routes) {
      const url = concrete(path);
      const body = method === 'GET' || method === 'HEAD' ? undefined : '{}';
      const init = (headers: Record<string, string>) => ({
        method,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      });
      const answers = [
        ['token', await h.app.request(url, init({ authorization: `Bearer ${h.tokens.supervisor}` }))],
        ['session', await h.app.request(url, init({ cookie: session }))],
        ['none', await h.app.request(url, init({}))],
      ] as const;
      for (const [who, res] of answers) {
        expect(res.status, `${method} ${url} (${who})`).toBeLessThan(500);
        checkHeaders(`${method} ${url} (${who}) → ${res.status}`, path, res);
        checked++;
      }
    }
    expect(checked).toBe(routes.length * 3);
  });

  it('so do the OpenAPI document (cacheable), a 404, a 401, a 400 and a refused form', async () => {
    const doc = await h.request('GET', '/api/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.headers.get('cache-control')).toBeNull();
    const admin = { authorization: `Bearer ${h.tokens.admin}` };
    const cases: [string, string, Response][] = [
      ['openapi', '/api/openapi.json', await h.app.request('/api/openapi.json')],
      ['404 page', '/no-such-page', await h.app.request('/no-such-page')],
      ['404 api', '/api/no-such-thing', await h.app.request('/api/no-such-thing', { headers: admin })],
      ['401', '/api/incidents', await h.app.request('/api/incidents')],
      [
        '400',
        '/api/incidents',
        await h.app.request('/api/incidents', {
          method: 'POST',
          headers: { authorization: `Bearer ${h.tokens.call_handler}`, 'content-type': 'application/json' },
          body: '{"receivedAt": 1',
        }),
      ],
      [
        '403 form',
        '/sign-out',
        await h.app.request('/sign-out', { method: 'POST', headers: { origin: 'http://evil.example' } }),
      ],
    ];
    expect(cases.map(([, , r]) => r.status)).toEqual([200, 404, 404, 401, 400, 403]);
    for (const [what, path, res] of cases) checkHeaders(what, path, res);
  });
});
