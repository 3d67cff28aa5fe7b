/**
 * The pieces of sign-in that are plain functions: the role a person's claims map to (first
 * mapping entry they have wins; none → refused, with a reason that names the claim), the check
 * that `next` is a path on this site, and the configuration's refusal of an identity provider
 * reached over plain HTTP or a redirect URL that is not the callback route.
 */
import { describe, expect, it } from 'vitest';
import { localPath } from '../../src/access/session/session-http.js';
import { roleFromClaims } from '../../src/access/session/role-mapping.js';
import { ConfigError, loadForceConfig, parseForceConfig } from '../../src/config/load.js';

const mapping = {
  roleClaim: 'groups',
  roleMapping: [
    { claimValue: 'a1b2-supervisors', role: 'supervisor' as const },
    { claimValue: 'c3d4-call-handlers', role: 'call_handler' as const },
  ],
};

describe('role from claims', () => {
  it('the first mapping entry the person has decides, whatever the order of their values', () => {
    expect(roleFromClaims({ groups: ['c3d4-call-handlers', 'a1b2-supervisors'] }, mapping)).toEqual({
      ok: true,
      role: 'supervisor',
    });
    expect(roleFromClaims({ groups: ['x', 'c3d4-call-handlers'] }, mapping)).toEqual({
      ok: true,
      role: 'call_handler',
    });
    expect(roleFromClaims({ groups: 'c3d4-call-handlers' }, mapping)).toEqual({ ok: true, role: 'call_handler' });
  });

  it('no mapped value, no claim, or a claim Entra ID left out (group overage): refused, saying why', () => {
    expect(roleFromClaims({ groups: ['x'] }, mapping)).toEqual({
      ok: false,
      reason: "none of your 'groups' values is mapped to a role in this system",
    });
    expect(roleFromClaims({ roles: ['c3d4-call-handlers'] }, mapping)).toEqual({
      ok: false,
      reason: "your account has no 'groups' claim, so no role in this system",
    });
    const overage = roleFromClaims({ _claim_names: { groups: 'src1' } }, mapping);
    expect(overage.ok).toBe(false);
    expect(!overage.ok && overage.reason).toContain('too many values');
    expect(roleFromClaims({ groups: [42, { id: 'a1b2-supervisors' }] }, mapping).ok).toBe(false);
  });
});

describe('next is a local path', () => {
  it('keeps paths on this site and refuses anything that leaves it', () => {
    expect(localPath('/account')).toBe('/account');
    expect(localPath('/incidents/7?tab=timeline#top')).toBe('/incidents/7?tab=timeline#top');
    expect(localPath('/a/../b')).toBe('/b');
    for (const bad of [
      '',
      'account',
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '/\tx',
      '/%0d%0aSet-Cookie:x'.replace('%0d%0a', '\r\n'),
    ])
      expect(localPath(bad), JSON.stringify(bad)).toBeNull();
  });
});

describe('sign-in configuration', () => {
  const withOidc = (oidc: Record<string, unknown>) => {
    const c = structuredClone(loadForceConfig()) as unknown as { signIn: Record<string, unknown> };
    c.signIn.oidc = {
      providerName: 'Entra',
      issuer: 'https://login.microsoftonline.com/tenant/v2.0',
      clientId: 'client',
      redirectUrl: 'https://triage.force.example/sign-in/oidc/callback',
      roleClaim: 'roles',
      roleMapping: [{ claimValue: 'MH.Supervisor', role: 'supervisor' }],
      ...oidc,
    };
    return c;
  };

  it('the embedded default needs no identity provider, with 15 minutes idle and 12 hours absolute', () => {
    expect(loadForceConfig().signIn).toEqual({
      idleTimeoutMinutes: 15,
      absoluteTimeoutHours: 12,
      tlsTerminatedInFront: false,
      oidc: null,
    });
    expect(parseForceConfig(withOidc({})).signIn.oidc).toMatchObject({ scopes: ['openid', 'profile', 'email'] });
  });

  it('refuses an issuer over plain HTTP (other than this machine), another callback path, or an unknown role', () => {
    expect(() => parseForceConfig(withOidc({ issuer: 'http://idp.force.example' }))).toThrow(
      /signIn\.oidc\.issuer: the issuer must be an https URL/,
    );
    expect(parseForceConfig(withOidc({ issuer: 'http://127.0.0.1:8080' })).signIn.oidc?.issuer).toBe(
      'http://127.0.0.1:8080',
    );
    expect(() => parseForceConfig(withOidc({ redirectUrl: 'https://triage.force.example/callback' }))).toThrow(
      /signIn\.oidc\.redirectUrl: the path must be \/sign-in\/oidc\/callback/,
    );
    expect(() => parseForceConfig(withOidc({ roleMapping: [{ claimValue: 'x', role: 'superuser' }] }))).toThrow(
      ConfigError,
    );
    expect(() => parseForceConfig(withOidc({ roleMapping: [] }))).toThrow(/signIn\.oidc\.roleMapping/);
  });
});
