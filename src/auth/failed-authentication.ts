/**
 * Failed authentication is limited per client address (access.failedAuthenticationLimit, 10 per
 * minute by default), counted together for the API's bearer tokens and the console's token sign-in:
 * guessing tokens at one door does not buy more guesses at the other. Over the limit every attempt
 * from the address, right or wrong, gets 429 with Retry-After until the window has passed.
 * Requests without a client address (in-process) are not counted.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';
import type { AccessConfig, ForceConfig } from '../config/schema.js';
import { clientAddress } from '../http/client-address.js';
import { ClockedMemoryStore, clockedRateLimit } from '../http/rate-limit.js';
import type { AppEnv } from '../http/types.js';

export interface FailedAuthenticationLimit {
  /**
   * A limiter for one door: `failed` says whether the answer refused the credential, `limited` builds
   * the 429 (Retry-After is already set).
   */
  guard(
    failed: (c: Context<AppEnv>) => boolean,
    limited: (c: Context<AppEnv>, retryAfterSeconds: number) => Response | Promise<Response>,
  ): MiddlewareHandler<AppEnv>;
  readonly limit: AccessConfig['failedAuthenticationLimit'];
}

export function failedAuthenticationLimit(
  clock: Clock,
  config: Pick<ForceConfig, 'access' | 'web'>,
): FailedAuthenticationLimit {
  const limit = config.access.failedAuthenticationLimit;
  const windowMs = limit.windowSeconds * 1000;
  const store = new ClockedMemoryStore(clock, windowMs);
  return {
    limit,
    guard: (failed, limited) =>
      clockedRateLimit<AppEnv>({
        clock,
        limit: limit.attempts,
        windowMs,
        key: (c) => clientAddress(c, config.web.trustForwardedFor),
        countFailuresOnly: true,
        failed,
        store,
        limited,
      }),
  };
}
