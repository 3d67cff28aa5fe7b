/**
 * Server-side console sessions (ACCESS.md "Sign-in and sessions"). The session id is a random
 * 256-bit value that only the user's cookie holds; the table keeps its SHA-256, so a copy of the
 * database cannot be used to act as anyone. A session ends on sign-out, after the idle timeout,
 * at the absolute timeout, or when its user is disabled; both timeouts are measured with the
 * injected clock. Each request that uses a session moves its idle deadline on.
 *
 * The CSRF token of a session is derived from its id (HMAC), so it needs no column and is known
 * only to whoever holds the cookie: pages put it in a hidden field, form posts must send it back.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../../db/client.js';
import type { UserRole } from '../../../machines/kit.js';
import type { AuthenticatedUser } from '../../auth/tokens.js';
import type { Clock } from '../../clock.js';

export type SignInMethod = 'oidc' | 'token';
/** tokensRevoked: the user's tokens were revoked, which ends the sessions they signed in with a token. */
export type SessionEndReason = 'signedOut' | 'idle' | 'absolute' | 'replaced' | 'userDisabled' | 'tokensRevoked';

export interface SessionTimeouts {
  idleMinutes: number;
  absoluteHours: number;
}

/** A live session as a request sees it. */
export interface ActiveSession {
  user: AuthenticatedUser;
  method: SignInMethod;
  csrfToken: string;
  signedInAt: string;
  /** When the session ends if nothing else happens: the idle deadline or the absolute one, the earlier. */
  endsAt: string;
  absoluteEndsAt: string;
}

export type SessionLookup =
  | { ok: true; session: ActiveSession }
  | { ok: false; reason: 'unknown' | 'ended' | SessionEndReason };

const hashId = (id: string) => createHash('sha256').update(id).digest('hex');

/** The CSRF token that belongs to session `id`. */
export const csrfTokenFor = (id: string) => createHmac('sha256', id).update('csrf').digest('base64url');

/** Constant-time comparison of two secrets given as text. */
export function sameSecret(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface Row {
  user_id: string;
  method: SignInMethod;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ended_at: string | null;
  end_reason: SessionEndReason | null;
  name: string;
  role: UserRole;
  disabled_at: string | null;
}

export class SessionStore {
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #absoluteMs: number;
  readonly #insert;
  readonly #select;
  readonly #touch;
  readonly #end;

  constructor(db: Db, clock: Clock, timeouts: SessionTimeouts) {
    this.#clock = clock;
    this.#idleMs = timeouts.idleMinutes * 60_000;
    this.#absoluteMs = timeouts.absoluteHours * 3_600_000;
    const sqlite = db.$client;
    this.#insert = sqlite.prepare(
      `INSERT INTO sessions (id_hash, user_id, method, created_at, last_seen_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#select = sqlite.prepare(
      `SELECT s.user_id, s.method, s.created_at, s.last_seen_at, s.expires_at, s.ended_at, s.end_reason,
              u.name, u.role, u.disabled_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
    );
    this.#touch = sqlite.prepare(`UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND ended_at IS NULL`);
    this.#end = sqlite.prepare(
      `UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id_hash = ? AND ended_at IS NULL`,
    );
  }

  /** A new session for `userId`; returns the session id, for the cookie only. */
  start(userId: string, method: SignInMethod): string {
    const id = randomBytes(32).toString('base64url');
    const now = this.#clock.now();
    const at = now.toISOString();
    const expires = new Date(now.getTime() + this.#absoluteMs).toISOString();
    this.#insert.run(hashId(id), userId, method, at, at, expires);
    return id;
  }

  /** The live session for `id`, its idle deadline moved on; or why there is none (ending it if it just timed out). */
  use(id: string): SessionLookup {
    const key = hashId(id);
    const row = this.#select.get(key) as Row | undefined;
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.ended_at) return { ok: false, reason: row.end_reason ?? 'ended' };
    const now = this.#clock.now();
    const nowMs = now.getTime();
    const timedOut: SessionEndReason | null = row.disabled_at
      ? 'userDisabled'
      : nowMs >= Date.parse(row.expires_at)
        ? 'absolute'
        : nowMs - Date.parse(row.last_seen_at) >= this.#idleMs
          ? 'idle'
          : null;
    if (timedOut) {
      this.#end.run(now.toISOString(), timedOut, key);
      return { ok: false, reason: timedOut };
    }
    this.#touch.run(now.toISOString(), key);
    const idleEnd = nowMs + this.#idleMs;
    return {
      ok: true,
      session: {
        user: { id: row.user_id, name: row.name, role: row.role },
        method: row.method,
        csrfToken: csrfTokenFor(id),
        signedInAt: row.created_at,
        endsAt: new Date(Math.min(idleEnd, Date.parse(row.expires_at))).toISOString(),
        absoluteEndsAt: row.expires_at,
      },
    };
  }

  /** End session `id` (no effect when it has already ended). */
  end(id: string, reason: SessionEndReason): void {
    this.#end.run(this.#clock.now().toISOString(), reason, hashId(id));
  }
}
