/**
 * The whole access matrix, generated: every route the app serves (walked from its own route list)
 * and every command event type, for every role — with a bearer token and with a console session —
 * and for no credential, asserting exactly the outcome the policy module gives (allowed: anything
 * but 401/403; refused: 403 ROLE_NOT_ALLOWED). A route with no rule fails here, and is refused.
 * The hand-written table of the most sensitive cells is in sensitive-cells.test.ts, so that a wrong
 * policy cannot pass by agreeing with itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type UserRole } from '../../machines/kit.js';
import { EVENT_OPERATIONS, grantOf, policyFor } from '../../src/access/policy.js';
import { ROUTE_ACCESS, routeKey, routeGuard, type RouteRule } from '../../src/access/routes.js';
import { createHarness } from '../support/harness.js';
import { createIncident } from '../support/flows.js';
import { csrfOf, signInWithToken } from '../support/sessions.js';

const h = createHarness();
const policy = policyFor(h.config);
/** Every route the app serves (middleware, registered for ALL methods, is not a route). */
const ROUTES = [...new Map(h.app.routes.filter((r) => r.method !== 'ALL').map((r) => [routeKey(r.method, r.path), r]))]
  .map(([key, r]) => ({ key, method: r.method, path: r.path }))
  .sort((a, b) => a.key.localeCompare(b.key));

let incidentId = '';
const sessions = {} as Record<UserRole, { cookie: string; csrf: string }>;
beforeAll(async () => {
  incidentId = await createIncident(h);
  for (const role of ROLES) {
    const cookie = (await signInWithToken(h, h.tokens[role])).cookie!;
    sessions[role] = { cookie, csrf: await csrfOf(h, cookie) };
  }
});
afterAll(() => h.close());

/** A URL for the route: a real incident and agency where the path names one, else an id that does not exist. */
const concrete = (path: string) =>
  path
    .replace('/api/incidents/:id', `/api/incidents/${incidentId}`)
    .replace(':code', 'kmptSpoa')
    .replace(':file', 'site.css')
    .replace(/:[A-Za-z]+/g, 'not-a-real-id')
    .replace(/\*$/, 'x');

type Credential = { kind: 'token' | 'session'; role: UserRole } | { kind: 'none' };
const CREDENTIALS: Credential[] = [
  ...ROLES.map((role) => ({ kind: 'token', role }) as const),
  ...ROLES.map((role) => ({ kind: 'session', role }) as const),
  { kind: 'none' },
];
const label = (c: Credential) => (c.kind === 'none' ? 'no credential' : `${c.role} (${c.kind})`);

async function send(method: string, url: string, who: Credential, body?: unknown) {
  const headers: Record<string, string> = {};
  if (who.kind === 'token') headers.authorization = `Bearer ${h.tokens[who.role]}`;
  if (who.kind === 'session') {
    headers.cookie = sessions[who.role].cookie;
    if (method !== 'GET') headers['x-csrf-token'] = sessions[who.role].csrf;
  }
  if (method !== 'GET') headers.origin = 'http://localhost';
  // The console's pages post forms, with the session's CSRF token in the hidden field `csrf`.
  if (method === 'POST' && url.startsWith('/console/')) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const csrf = who.kind === 'session' ? sessions[who.role].csrf : '';
    return h.app.request(url, { method, headers, body: new URLSearchParams({ csrf }).toString() });
  }
  const json = method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(body ?? {});
  if (json !== undefined) headers['content-type'] = 'application/json';
  return h.app.request(url, { method, headers, ...(json !== undefined ? { body: json } : {}) });
}

async function expectRefused(res: Response, where: string) {
  expect(res.status, where).toBe(403);
  const text = await res.text();
  if (res.headers.get('content-type')?.includes('json')) expect(JSON.parse(text).code, where).toBe('ROLE_NOT_ALLOWED');
  else expect(text, where).toContain('Not allowed for your role');
}

function expectAllowed(res: Response, where: string) {
  expect([401, 403], `${where} → ${res.status}`).not.toContain(res.status);
  expect(res.headers.get('location') ?? '', where).not.toMatch(/^\/sign-in/);
}

describe('every route the app serves has an access rule, and every rule a route', () => {
  it('no route without a rule (deny by default), no rule without a route', () => {
    expect(ROUTES.length).toBeGreaterThan(40);
    expect(ROUTES.filter((r) => !(r.key in ROUTE_ACCESS)).map((r) => r.key)).toEqual([]);
    expect(Object.keys(ROUTE_ACCESS).filter((k) => !ROUTES.some((r) => r.key === k))).toEqual([]);
  });

  it('a route that has no rule is refused to everyone, with the reason', async () => {
    const { Hono } = await import('hono');
    const app = new Hono<any>();
    app.use('*', async (c, next) => {
      c.set('user', { id: 'u', name: 'U', role: 'supervisor' });
      c.set('access', { deps: h.deps, policy });
      await next();
    });
    app.use('*', routeGuard({}, 'Test force'));
    app.get('/api/unlisted', (c) => c.json({ secret: true }));
    const res = await app.request('/api/unlisted');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'NO_ACCESS_RULE' });
  });
});

/** What the rule says `who` gets on this route: allowed, refused, redirected to sign-in, or unauthenticated. */
function expected(rule: RouteRule, path: string, who: Credential): 'allowed' | 'refused' | 'signIn' | '401' | 'open' {
  if ('open' in rule) return 'open';
  const api = path.startsWith('/api/');
  if (who.kind === 'none' || (!api && who.kind === 'token')) return api ? '401' : 'signIn';
  if ('signedIn' in rule || 'events' in rule) return 'allowed';
  return grantOf(policy, who.role, rule.operation) ? 'allowed' : 'refused';
}

describe.each(ROUTES)('$key', ({ method, path, key }) => {
  const rule = ROUTE_ACCESS[key]!;
  const url = () => concrete(path);
  it.each(CREDENTIALS.map((c) => ({ who: c, name: label(c) })))('$name', async ({ who }) => {
    const where = `${method} ${url()} as ${label(who)}`;
    const res = await send(method, url(), who);
    switch (expected(rule, path, who)) {
      case 'open': {
        // No credential needed, and the policy refuses no one (a refused form is the form's own check).
        expect(res.status, where).not.toBe(401);
        const refusedByPolicy =
          res.status === 403 && /ROLE_NOT_ALLOWED|Not allowed for your role/.test(await res.text());
        expect(refusedByPolicy, where).toBe(false);
        break;
      }
      case 'allowed':
        expectAllowed(res, where);
        break;
      case 'refused':
        await expectRefused(res, where);
        break;
      case 'signIn':
        expect(res.status, where).toBe(method === 'GET' ? 303 : 401);
        if (method === 'GET') expect(res.headers.get('location'), where).toMatch(/^\/sign-in\?next=/);
        break;
      case '401':
        expect(res.status, where).toBe(401);
    }
  });
});

/** Each event type, with the least body that names it: refused before validation, allowed to reach it. */
const EVENT_CASES = [
  ...Object.entries(EVENT_OPERATIONS).map(([type, op]) => ({ name: type, body: { type }, ops: [op] })),
  {
    name: 'RCRP_DECISION_RECORDED with a supervisor override (R9)',
    body: { type: 'RCRP_DECISION_RECORDED', override: { name: 'Sgt A', rank: 'sergeant', reason: 'x' } },
    ops: ['incident.manage', 'incident.override'] as const,
  },
];

describe.each(EVENT_CASES)('event $name', ({ body, ops }) => {
  it.each(CREDENTIALS.map((c) => ({ who: c, name: label(c) })))('$name', async ({ who }) => {
    const res = await send('POST', `/api/incidents/${incidentId}/events`, who, body);
    const where = `${body.type} as ${label(who)}`;
    if (who.kind === 'none') expect(res.status, where).toBe(401);
    else if (ops.every((op) => grantOf(policy, who.role, op))) expectAllowed(res, where);
    else await expectRefused(res, where);
  });
});
