/**
 * API tokens (ACCESS.md "Sign-in and sessions"): they expire (access.tokenLifetimeDays, on the
 * injected clock) with a 401 that says so; revoking a user's tokens stops every one of them at once
 * (the CLI and the admin API); the CLI lists them without ever printing a token; a re-issue never
 * silently changes a role; the administrator manages users, roles and tokens through the API, each
 * change in the access log; failed authentication is limited per client address (429, then recovery).
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { issueToken, UserRoleConflict } from '../../src/auth/tokens.js';
import { createHarness, type Harness, type HarnessOptions } from '../support/harness.js';
import { browserRequest, hiddenField, setCookies, signInWithToken } from '../support/sessions.js';

let h: Harness;
const open = (o: HarnessOptions = {}) => {
  h = createHarness(o);
  return h;
};
afterEach(() => h?.close());

const config = (token: string, headers: Record<string, string> = {}) =>
  h.request('GET', '/api/config', { token, headers });
const tokenRows = () =>
  h.db.$client
    .prepare('SELECT user_id, created_at, expires_at, last_used_at, revoked_at FROM api_tokens ORDER BY rowid')
    .all() as Array<{ user_id: string; expires_at: string; last_used_at: string | null; revoked_at: string | null }>;
const userId = (name: string) =>
  h.db.$client.prepare('SELECT id FROM users WHERE name = ?').pluck().get(name) as string;
const adminRows = () =>
  h.db.$client
    .prepare(
      `SELECT a.user_id, a.role, a.kind, a.action, a.outcome, a.params, r.record_id FROM access_audit a
       LEFT JOIN access_audit_records r ON r.audit_id = a.id WHERE a.kind = 'administration' ORDER BY a.id`,
    )
    .all() as Array<{ user_id: string; action: string; outcome: string; params: string; record_id: string }>;

/** The token CLI against the harness's database file (the same file the app has open). */
function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', ...args], {
    env: { ...process.env, DATABASE_PATH: h.dbPath },
    encoding: 'utf8',
  });
}

describe('expiry', () => {
  it('a token works until access.tokenLifetimeDays after it was issued, then 401 saying it expired', async () => {
    open({ start: '2026-11-23T09:00:00Z' });
    const { token, expiresAt } = issueToken(h.db, h.clock, 'PC 7 Expiring', 'officer');
    expect(expiresAt).toBe('2027-02-21T09:00:00.000Z'); // 90 days, the default
    h.clock.set('2027-02-21T08:59:59Z');
    expect((await config(token)).status).toBe(200);
    h.clock.set('2027-02-21T09:00:00Z');
    const r = await config(token);
    expect(r.status).toBe(401);
    expect(r.body.detail).toBe(
      'the bearer token expired at 2027-02-21T09:00:00.000Z; ask an administrator for a new one',
    );
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="mh-triage"');
  });

  it('an expired token does not sign in at /sign-in either, and the form says it expired', async () => {
    open({ start: '2026-11-23T09:00:00Z' });
    const { token } = issueToken(h.db, h.clock, 'Sgt 8 Expiring', 'supervisor');
    h.clock.set('2027-03-01T00:00:00Z');
    const { res, cookie } = await signInWithToken(h, token);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('That API token expired at 2027-02-21T09:00:00.000Z');
    expect(cookie).toBeUndefined();
  });

  it('a token the administrator issues lives as long as the force configures (tokenLifetimeDays)', async () => {
    open({ start: '2026-11-23T09:00:00Z', config: (c) => ({ ...c, access: { ...c.access, tokenLifetimeDays: 7 } }) });
    const issued = await h.request('POST', `/api/users/${userId('Test officer')}/tokens`, { token: h.tokens.admin });
    expect(issued.status).toBe(201);
    expect(issued.body.expiresAt).toBe('2026-11-30T09:00:00.000Z');
    h.clock.set('2026-11-30T08:59:00Z');
    expect((await config(issued.body.token)).status).toBe(200);
    h.clock.set('2026-11-30T09:00:00Z');
    expect((await config(issued.body.token)).body.detail).toMatch(/^the bearer token expired at 2026-11-30T09:00/);
  });

  it('when a token was last used is kept to the minute: rewritten at most once a minute', async () => {
    open({ start: '2026-11-23T09:00:00Z' });
    const lastUsed = () => tokenRows().find((r) => r.user_id === userId('Test dispatcher'))!.last_used_at;
    expect(lastUsed()).toBeNull();
    await config(h.tokens.dispatcher);
    expect(lastUsed()).toBe('2026-11-23T09:00:00.000Z');
    h.clock.advanceSeconds(59);
    await config(h.tokens.dispatcher);
    expect(lastUsed()).toBe('2026-11-23T09:00:00.000Z');
    h.clock.advanceSeconds(1);
    await config(h.tokens.dispatcher);
    expect(lastUsed()).toBe('2026-11-23T09:01:00.000Z');
  });
});

describe('the token CLI', () => {
  it('--help prints the usage; an unknown option is named with the usage (exit 2), never a stack trace', () => {
    open();
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run token -- --name "A Handler" --role </);
    const wrong = cli('--bogus');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/^Unknown option '--bogus'\nusage: /);
    expect(wrong.stderr).not.toContain(' at ');
  });

  it('--list shows name, role, created, expires, last used and status, and never a token', async () => {
    open();
    const { token } = issueToken(h.db, h.clock, 'Dr 3 Lead', 'mh_lead');
    await config(token);
    const r = cli('--list');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^name\s+role\s+created\s+expires\s+last used\s+status$/);
    const lead = lines.find((l) => l.startsWith('Dr 3 Lead'))!;
    expect(lead.split(/\s{2,}/)).toEqual([
      'Dr 3 Lead',
      'mh_lead',
      '2026-11-23T09:00:00.000Z',
      '2027-02-21T09:00:00.000Z',
      '2026-11-23T09:00:00.000Z',
      'active',
    ]);
    expect(lines).toHaveLength(2 + Object.keys(h.tokens).length);
    expect(r.stdout).not.toContain('mht_');
    for (const t of [token, ...Object.values(h.tokens)]) expect(r.stdout).not.toContain(t.slice(4, 20));
  });

  it('--revoke --name stops every token of that user at once (the running app included), logged', async () => {
    open();
    const second = issueToken(h.db, h.clock, 'Test officer', 'officer').token;
    expect((await config(second)).status).toBe(200);
    const r = cli('--revoke', '--name', 'Test officer');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('revoked 2 tokens of Test officer (officer)');
    for (const t of [h.tokens.officer, second]) {
      const refused = await config(t);
      expect(refused.status).toBe(401);
      expect(refused.body.detail).toMatch(/^the bearer token was revoked at .+; ask an administrator for a new one$/);
    }
    expect((await config(h.tokens.call_handler)).status).toBe(200);
    expect(cli('--list').stdout).toMatch(/Test officer\s+officer\s+.*\s+revoked\n/);
    expect(adminRows()).toMatchObject([
      {
        action: 'user.tokensRevoked',
        record_id: userId('Test officer'),
        outcome: 'succeeded',
        params: '{"revoked":2}',
      },
    ]);
    expect(adminRows()[0]!.user_id).toMatch(/^cli:/);
  });

  it('--revoke for a name nobody has: exit 1, saying so', () => {
    open();
    const r = cli('--revoke', '--name', 'Nobody Here');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no user called 'Nobody Here'");
  });

  it('a re-issue for an existing user with another role is refused and issues nothing, unless changeRole', async () => {
    open();
    const before = tokenRows().length;
    expect(() => issueToken(h.db, h.clock, 'Test officer', 'supervisor')).toThrow(UserRoleConflict);
    expect(tokenRows()).toHaveLength(before);
    expect((await h.request('GET', '/api/incidents', { token: h.tokens.pcc_analyst })).status).toBe(403);
    const changed = issueToken(h.db, h.clock, 'Test pcc_analyst', 'mh_lead', { changeRole: true });
    expect(changed.previousRole).toBe('pcc_analyst');
    // The old token has the new role too: one user, one role.
    expect((await h.request('GET', '/api/incidents', { token: h.tokens.pcc_analyst })).status).toBe(200);
  });
});

describe('users, roles and tokens through the API (admin)', () => {
  it('lists users with their tokens’ dates and status, never a token or its hash; the read is logged', async () => {
    open();
    issueToken(h.db, h.clock, 'PC 5 Listed', 'officer');
    const r = await h.request('GET', '/api/users', { token: h.tokens.admin });
    expect(r.status).toBe(200);
    expect(r.body.items.map((u: { name: string }) => u.name)).toContain('Test auditor');
    const officer = r.body.items.find((u: { name: string }) => u.name === 'PC 5 Listed');
    expect(officer).toMatchObject({ role: 'officer', signIn: 'token', disabledAt: null });
    expect(officer.tokens).toEqual([
      {
        id: expect.any(String),
        createdAt: '2026-11-23T09:00:00.000Z',
        expiresAt: '2027-02-21T09:00:00.000Z',
        lastUsedAt: null,
        revokedAt: null,
        status: 'active',
      },
    ]);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain('mht_');
    const hashes = h.db.$client.prepare('SELECT token_hash FROM api_tokens').pluck().all() as string[];
    for (const hash of hashes) expect(text).not.toContain(hash);
    const logged = h.db.$client.prepare(`SELECT role, kind, outcome FROM access_audit WHERE action = 'users.list'`);
    expect(logged.all()).toEqual([{ role: 'admin', kind: 'consultation', outcome: 'shown' }]);
  });

  it('creates a user, issues a token (it works, with their role), changes the role, revokes: each logged', async () => {
    open();
    const admin = { token: h.tokens.admin };
    const created = await h.request('POST', '/api/users', { ...admin, body: { name: 'PC 9 Khan', role: 'officer' } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.headers.get('location')).toBe(`/api/users/${id}`);
    expect(created.body).toMatchObject({ name: 'PC 9 Khan', role: 'officer', tokens: [] });

    const issued = await h.request('POST', `/api/users/${id}/tokens`, admin);
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^mht_/);
    expect((await h.request('GET', '/api/incidents', { token: issued.body.token })).status).toBe(200);
    expect((await h.request('GET', '/api/audit/handovers', { token: issued.body.token })).status).toBe(403);

    const promoted = await h.request('PATCH', `/api/users/${id}`, { ...admin, body: { role: 'supervisor' } });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('supervisor');
    // The token issued before the change carries the new role at once.
    expect((await h.request('GET', '/api/audit/handovers', { token: issued.body.token })).status).toBe(200);

    const revoked = await h.request('DELETE', `/api/users/${id}/tokens`, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked).toBe(1);
    expect(revoked.body.user.tokens[0].status).toBe('revoked');
    expect((await config(issued.body.token)).status).toBe(401);

    const adminId = userId('Test admin');
    expect(adminRows().map(({ user_id, action, record_id }) => ({ user_id, action, record_id }))).toEqual([
      { user_id: adminId, action: 'user.create', record_id: id },
      { user_id: adminId, action: 'user.tokenIssued', record_id: id },
      { user_id: adminId, action: 'user.roleChange', record_id: id },
      { user_id: adminId, action: 'user.tokensRevoked', record_id: id },
    ]);
    expect(JSON.parse(adminRows()[2]!.params)).toEqual({ role: 'supervisor', previousRole: 'officer' });
    // Ids, codes and dates only: neither the name nor the token is in the log.
    const log = JSON.stringify(h.db.$client.prepare('SELECT * FROM access_audit').all());
    expect(log).not.toContain('Khan');
    expect(log).not.toContain(issued.body.token);
  });

  it('revoking ends the console sessions the user signed in with a token', async () => {
    open();
    const { cookie } = await signInWithToken(h, h.tokens.dispatcher);
    expect((await browserRequest(h, 'GET', '/account', { cookie })).status).toBe(200);
    expect(
      (await h.request('DELETE', `/api/users/${userId('Test dispatcher')}/tokens`, { token: h.tokens.admin })).status,
    ).toBe(200);
    const after = await browserRequest(h, 'GET', '/account', { cookie });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/sign-in?next=%2Faccount');
  });

  it('refuses a taken name (409), an unknown role (400), an unknown user (404), nothing written', async () => {
    open();
    const admin = { token: h.tokens.admin };
    const taken = await h.request('POST', '/api/users', { ...admin, body: { name: 'Test officer', role: 'officer' } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('USER_EXISTS');
    const badRole = await h.request('POST', '/api/users', { ...admin, body: { name: 'X', role: 'chief' } });
    expect(badRole.status).toBe(400);
    expect(badRole.body.issues[0].path).toBe('body.role');
    for (const [method, path, body] of [
      ['PATCH', '/api/users/nobody', { role: 'officer' }],
      ['POST', '/api/users/nobody/tokens', undefined],
      ['DELETE', '/api/users/nobody/tokens', undefined],
    ] as const) {
      const r = await h.request(method, path, { ...admin, ...(body ? { body } : {}) });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.code).toBe('USER_NOT_FOUND');
    }
    expect(adminRows()).toEqual([]);
    expect(h.count('users')).toBe(8);
  });

  it('a user of the identity provider keeps the role the provider gives: PATCH is 409', async () => {
    open();
    h.db.$client
      .prepare(
        `INSERT INTO users (id, name, role, created_at, oidc_issuer, oidc_subject)
         VALUES ('u-oidc', 'Entra User', 'call_handler', '2026-11-01T00:00:00Z', 'https://idp', 'sub-1')`,
      )
      .run();
    const r = await h.request('PATCH', '/api/users/u-oidc', { token: h.tokens.admin, body: { role: 'supervisor' } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('ROLE_FROM_IDENTITY_PROVIDER');
    const listed = await h.request('GET', '/api/users', { token: h.tokens.admin });
    expect(listed.body.items.find((u: { id: string }) => u.id === 'u-oidc')).toMatchObject({
      role: 'call_handler',
      signIn: 'identityProvider',
    });
  });

  it('no role but the administrator manages users (403, the refusal logged)', async () => {
    open();
    for (const role of ['supervisor', 'auditor', 'mh_lead'] as const) {
      const r = await h.request('POST', '/api/users', { token: h.tokens[role], body: { name: 'X Y', role: 'admin' } });
      expect(r.status, role).toBe(403);
    }
    expect(h.count('users')).toBe(8);
    const refusals = h.db.$client.prepare(`SELECT count(*) FROM access_audit WHERE outcome = 'refused'`).pluck();
    expect(refusals.get()).toBe(3);
  });
});

describe('failed authentication is limited per client address', () => {
  const limited = () =>
    open({
      config: (c) => ({
        ...c,
        web: { ...c.web, trustForwardedFor: true },
        access: { ...c.access, failedAuthenticationLimit: { attempts: 3, windowSeconds: 30 } },
      }),
    });
  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('over the limit: 429 with Retry-After even for a good token; other addresses unaffected; recovery', async () => {
    limited();
    // Good tokens and requests without any credential are not failures.
    expect((await config(h.tokens.call_handler, from('203.0.113.7'))).status).toBe(200);
    expect((await h.request('GET', '/api/config', { token: null, headers: from('203.0.113.7') })).status).toBe(401);
    for (let i = 0; i < 3; i++) {
      const wrong = await config(`mht_guess${i}`, from('203.0.113.7'));
      expect(wrong.status).toBe(401);
      expect(wrong.body.detail).toBe('the bearer token is not valid (unknown)');
    }
    const blocked = await config(h.tokens.call_handler, from('203.0.113.7'));
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('30');
    expect(blocked.body.code).toBe('TOO_MANY_FAILED_AUTHENTICATIONS');
    expect((await config(h.tokens.call_handler, from('198.51.100.2'))).status).toBe(200);
    h.clock.advanceSeconds(20);
    const still = await config(h.tokens.call_handler, from('203.0.113.7'));
    expect(still.status).toBe(429);
    expect(still.headers.get('retry-after')).toBe('10');
    h.clock.advanceSeconds(10);
    expect((await config(h.tokens.call_handler, from('203.0.113.7'))).status).toBe(200);
  });

  it('the API and the token sign-in count together: guesses at one door are refused at the other', async () => {
    limited();
    for (let i = 0; i < 3; i++) expect((await config('mht_wrong', from('203.0.113.9'))).status).toBe(401);
    const form = await browserRequest(h, 'GET', '/sign-in');
    const signIn = await browserRequest(h, 'POST', '/sign-in', {
      cookie: `mht_signin_form=${setCookies(form).mht_signin_form!.value}`,
      headers: from('203.0.113.9'),
      form: { csrf: hiddenField(await form.text(), 'csrf')!, next: '/account', token: h.tokens.supervisor },
    });
    expect(signIn.status).toBe(429);
    expect(signIn.headers.get('retry-after')).toBe('30');
  });
});
