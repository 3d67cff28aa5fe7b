/**
 * OpenID Connect sign-in with openid-client (a kept, certified relying-party library): discovery of
 * the provider, the authorization code flow with PKCE (S256), state and nonce, and the checks of the
 * ID token (signature, issuer, audience, expiry, nonce). Discovery happens on the first sign-in, not
 * at start, so the server starts when the provider is unreachable and retries on the next sign-in.
 *
 * Between the redirect to the provider and the callback, the PKCE verifier, state, nonce and the
 * page to return to are kept here, in memory, under a random attempt id that a short-lived cookie
 * carries; an attempt expires after ten minutes (injected clock) or when used.
 */
import * as client from 'openid-client';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { OidcConfig } from '../../config/schema.js';

const ATTEMPT_MS = 10 * 60_000;
const MAX_ATTEMPTS = 10_000;

interface Attempt {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
  expiresAt: number;
}

export class OidcUnavailable extends Error {
  override name = 'OidcUnavailable';
}

export class OidcSignIn {
  readonly config: OidcConfig;
  readonly #secret: string;
  readonly #clock: Clock;
  #discovered: Promise<client.Configuration> | null = null;
  readonly #attempts = new Map<string, Attempt>();

  constructor(config: OidcConfig, clientSecret: string, clock: Clock) {
    this.config = config;
    this.#secret = clientSecret;
    this.#clock = clock;
  }

  #provider(): Promise<client.Configuration> {
    if (!this.#discovered) {
      const issuer = new URL(this.config.issuer);
      const insecure = issuer.protocol === 'http:'; // allowed by the configuration schema for this machine only
      this.#discovered = client
        .discovery(issuer, this.config.clientId, this.#secret, undefined, {
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        })
        .catch((e: Error) => {
          this.#discovered = null; // try again on the next sign-in
          throw new OidcUnavailable(`the identity provider did not answer discovery: ${e.message}`);
        });
    }
    return this.#discovered;
  }

  /** Where to send the browser, and the attempt id for the cookie. */
  async begin(next: string): Promise<{ url: URL; attemptId: string }> {
    const provider = await this.#provider();
    const now = this.#clock.now().getTime();
    for (const [id, a] of this.#attempts) if (a.expiresAt <= now) this.#attempts.delete(id);
    if (this.#attempts.size >= MAX_ATTEMPTS) {
      const oldest = this.#attempts.keys().next().value;
      if (oldest !== undefined) this.#attempts.delete(oldest);
    }
    const attempt: Attempt = {
      verifier: client.randomPKCECodeVerifier(),
      state: client.randomState(),
      nonce: client.randomNonce(),
      next,
      expiresAt: now + ATTEMPT_MS,
    };
    const attemptId = randomBytes(24).toString('base64url');
    this.#attempts.set(attemptId, attempt);
    const url = client.buildAuthorizationUrl(provider, {
      redirect_uri: this.config.redirectUrl,
      scope: this.config.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(attempt.verifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
    });
    return { url, attemptId };
  }

  /**
   * Completes the attempt the callback belongs to: the verified ID token claims and the page to
   * return to, or null when the attempt is unknown or expired (started elsewhere, too long ago, or
   * already used). Throws when the provider refused or a check failed.
   */
  async finish(
    attemptId: string | undefined,
    search: string,
  ): Promise<{ claims: Record<string, unknown>; issuer: string; next: string } | null> {
    const attempt = attemptId ? this.#attempts.get(attemptId) : undefined;
    if (!attemptId || !attempt) return null;
    this.#attempts.delete(attemptId);
    if (attempt.expiresAt <= this.#clock.now().getTime()) return null;
    const provider = await this.#provider();
    // The URL the provider redirected to, as registered (behind a proxy the request URL differs).
    const current = new URL(this.config.redirectUrl);
    current.search = search;
    const tokens = await client.authorizationCodeGrant(provider, current, {
      pkceCodeVerifier: attempt.verifier,
      expectedState: attempt.state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the provider returned no ID token');
    return { claims: claims as Record<string, unknown>, issuer: provider.serverMetadata().issuer, next: attempt.next };
  }
}
