/**
 * Per-client rate limits with hono-rate-limiter, counted in fixed windows on the injected clock
 * (the library's own memory store and its Retry-After read the system clock, which tests cannot
 * move). Over the limit: 429 with Retry-After in seconds, and the response `limited` builds.
 */
import type { Context, Env, MiddlewareHandler } from 'hono';
import { rateLimiter, type ClientRateLimitInfo, type Store } from 'hono-rate-limiter';
import type { Clock } from '../clock.js';

/** Hit counts per key in fixed windows of `windowMs`, timed by `clock`. */
export class ClockedMemoryStore implements Store {
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #hits = new Map<string, { totalHits: number; resetTime: Date }>();

  constructor(clock: Clock, windowMs: number) {
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  #current(key: string): { totalHits: number; resetTime: Date } {
    const now = this.#clock.now().getTime();
    let entry = this.#hits.get(key);
    if (!entry || entry.resetTime.getTime() <= now) {
      if (this.#hits.size > 100_000)
        for (const [k, e] of this.#hits) if (e.resetTime.getTime() <= now) this.#hits.delete(k);
      entry = { totalHits: 0, resetTime: new Date(now + this.#windowMs) };
      this.#hits.set(key, entry);
    }
    return entry;
  }

  get(key: string): ClientRateLimitInfo | undefined {
    return this.#hits.get(key);
  }

  increment(key: string): ClientRateLimitInfo {
    const entry = this.#current(key);
    entry.totalHits++;
    return { ...entry };
  }

  decrement(key: string): void {
    const entry = this.#hits.get(key);
    if (entry && entry.totalHits > 0) entry.totalHits--;
  }

  resetKey(key: string): void {
    this.#hits.delete(key);
  }
}

export interface LimitOptions<E extends Env> {
  clock: Clock;
  limit: number;
  windowMs: number;
  /** The client's key; null = no client address (an in-process request): not counted. */
  key: (c: Context<E>) => string | null;
  /** The 429 response (Retry-After is already set). */
  limited: (c: Context<E>, retryAfterSeconds: number) => Response | Promise<Response>;
  /** Count only refused attempts (e.g. wrong tokens), not successful ones. */
  countFailuresOnly?: boolean;
  /** With countFailuresOnly: whether the answer is a refused attempt (default: a status of 400 or more). */
  failed?: (c: Context<E>) => boolean;
  /** Share the counts with another limiter (default: a store of its own). */
  store?: ClockedMemoryStore;
}

export function clockedRateLimit<E extends Env>(o: LimitOptions<E>): MiddlewareHandler<E> {
  return rateLimiter<E>({
    windowMs: o.windowMs,
    limit: o.limit,
    keyGenerator: (c) => o.key(c) ?? '',
    skip: (c) => o.key(c) === null,
    store: (o.store ?? new ClockedMemoryStore(o.clock, o.windowMs)) as unknown as Store<E>,
    standardHeaders: false,
    skipSuccessfulRequests: o.countFailuresOnly ?? false,
    ...(o.failed ? { requestWasSuccessful: (c: Context<E>) => !o.failed!(c) } : {}),
    handler: (c) => {
      const info = c.get('rateLimit' as never) as { resetTime?: Date } | undefined;
      const reset = info?.resetTime?.getTime() ?? o.clock.now().getTime() + o.windowMs;
      const seconds = Math.max(1, Math.ceil((reset - o.clock.now().getTime()) / 1000));
      c.header('Retry-After', String(seconds));
      return o.limited(c, seconds);
    },
  }) as MiddlewareHandler<E>;
}
