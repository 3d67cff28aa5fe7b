/**
 * A real OpenID Connect provider for tests: oidc-provider (the certified Node implementation) on
 * 127.0.0.1 at an ephemeral port, with one confidential client and accounts whose claims a test
 * can change between sign-ins. Its development login page accepts any password for a known login
 * and then asks for consent. The `roles` claim goes into the ID token, as Entra ID puts app roles.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  name: string;
  roles: string[];
}

export const CLIENT_ID = 'mh-triage-console';
export const CLIENT_SECRET = 'test-client-secret-0123456789abcdef';

export async function startOidcProvider(redirectUri: string, accounts: Record<string, TestAccount>) {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    // A signing key of its own, made for this run.
    jwks: {
      keys: [
        { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), use: 'sig' },
      ],
    },
    claims: { openid: ['sub', 'roles'], profile: ['name', 'preferred_username'] },
    conformIdTokenClaims: false,
    cookies: { keys: ['test-cookie-signing-key-0123456789'] },
    findAccount: (_ctx, id) => {
      const account = accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          name: account.name,
          preferred_username: `${id}@force.example`,
          roles: account.roles,
        }),
      };
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider error', err));
  server.on('request', provider.callback());
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
