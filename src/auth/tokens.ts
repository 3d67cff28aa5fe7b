/**
 * API tokens: a bearer token maps to a user with a role. Only the SHA-256 of a token is stored;
 * the token is printed once when created. A token stops working when it expires
 * (access.tokenLifetimeDays after it was issued, 90 days by default) or is revoked; checking one
 * says which, so a person is told why and what to do. When a token was last used is kept to the
 * minute (rewritten at most once a minute per token, so a busy client costs no write per request).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { UserRole } from '../../machines/kit.js';
import { systemClock, type Clock } from '../clock.js';
import { prepared } from '../reports/sql.js';
import { logAdministration, type Administrator } from './administration.js';
import { findOrCreateUser } from './users.js';

export interface AuthenticatedUser {
  id: string;
  name: string;
  role: UserRole;
}

/** The lifetime of a token when the configuration does not say (access.tokenLifetimeDays). */
export const DEFAULT_TOKEN_LIFETIME_DAYS = 90;
/** last_used_at is rewritten only when it is at least this old. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class UserRoleConflict extends Error {}

/** A token just issued: `token` is shown once and never stored. */
export interface IssuedToken {
  id: string;
  token: string;
  createdAt: string;
  expiresAt: string;
}

/** Inserts a new token for `userId`, inside the caller's transaction. */
export function insertToken(db: Db, userId: string, now: Date, lifetimeDays: number): IssuedToken {
  const token = `mht_${randomBytes(32).toString('base64url')}`;
  const issued = {
    id: randomUUID(),
    token,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + lifetimeDays * 86_400_000).toISOString(),
  };
  prepared(
    db,
    'INSERT INTO api_tokens (id, user_id, token_hash, created_at, revoked_at, expires_at) VALUES (?, ?, ?, ?, NULL, ?)',
  ).run(issued.id, userId, hashToken(token), issued.createdAt, issued.expiresAt);
  return issued;
}

export interface IssueOptions {
  /** Change the role of a user who exists with another role (for every token they hold). */
  changeRole?: boolean;
  /** Days until the token expires (default 90; the force's access.tokenLifetimeDays). */
  lifetimeDays?: number;
  /** Who issues it, for the access log (none: not logged, as for the test and demo set-ups). */
  by?: Administrator;
}

/**
 * Create the user if needed, then issue a new token for them. A user who exists with another role is
 * refused (a token never silently carries a role other than the one asked for) unless `changeRole`:
 * then the user's role changes — for every token they hold — and `previousRole` says from what.
 */
export function issueToken(
  db: Db,
  clock: Clock,
  name: string,
  role: UserRole,
  opts: IssueOptions = {},
): { user: AuthenticatedUser; token: string; expiresAt: string; previousRole: UserRole | null } {
  return db.$client
    .transaction(() => {
      const found = findOrCreateUser({ db, clock }, name, role, opts);
      if (found.conflict)
        throw new UserRoleConflict(
          `user '${name}' already exists with role ${found.conflict}; roles are not changed by issuing a token`,
        );
      const { id } = found.user;
      const issued = issueTokenFor({ db, clock }, id, opts);
      return {
        user: { id, name, role },
        token: issued.token,
        expiresAt: issued.expiresAt,
        previousRole: found.previousRole,
      };
    })
    .immediate();
}

/** A new token for an existing user (inside the caller's transaction), logged when `by` is given. */
export function issueTokenFor(
  deps: { db: Db; clock: Clock },
  userId: string,
  opts: Pick<IssueOptions, 'lifetimeDays' | 'by'> = {},
): IssuedToken {
  const issued = insertToken(deps.db, userId, deps.clock.now(), opts.lifetimeDays ?? DEFAULT_TOKEN_LIFETIME_DAYS);
  if (opts.by)
    logAdministration(deps, opts.by, 'user.tokenIssued', userId, { tokenId: issued.id, expiresAt: issued.expiresAt });
  return issued;
}

/**
 * Revokes every token of `userId` not yet revoked, and ends the console sessions they signed in with
 * a token (a session must not outlive the token it was exchanged for). Inside the caller's transaction.
 */
export function revokeUserTokens(deps: { db: Db; clock: Clock }, userId: string, by?: Administrator): number {
  const now = deps.clock.now().toISOString();
  const revoke = prepared(deps.db, 'UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL');
  const { changes } = revoke.run(now, userId);
  prepared(
    deps.db,
    `UPDATE sessions SET ended_at = ?, end_reason = 'tokensRevoked'
     WHERE user_id = ? AND method = 'token' AND ended_at IS NULL`,
  ).run(now, userId);
  if (by) logAdministration(deps, by, 'user.tokensRevoked', userId, { revoked: changes });
  return changes;
}

/** Why a bearer token did not authenticate; `at` is when it expired or was revoked. */
export type TokenRefusal =
  | { reason: 'unknown' | 'disabled' }
  | { reason: 'expired'; at: string }
  | { reason: 'revoked'; at: string };

export type TokenCheck = { ok: true; user: AuthenticatedUser } | ({ ok: false } & TokenRefusal);

interface TokenRow {
  token_id: string;
  revoked_at: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  id: string;
  name: string;
  role: UserRole;
  disabled_at: string | null;
}

/** Checks a bearer token at the clock's time, noting its use; statements prepared once per database. */
export function tokenAuthentication(db: Db, clock: Clock): (token: string) => TokenCheck {
  const find = db.$client.prepare(
    `SELECT t.id AS token_id, t.revoked_at, t.expires_at, t.last_used_at, u.id, u.name, u.role, u.disabled_at
     FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
  );
  const touch = db.$client.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
  return (token) => {
    const row = find.get(hashToken(token)) as TokenRow | undefined;
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revoked_at) return { ok: false, reason: 'revoked', at: row.revoked_at };
    const now = clock.now();
    // A token without an expiry cannot come from this version (issued ones and migrated ones have one): refused.
    if (!row.expires_at || now.getTime() >= Date.parse(row.expires_at))
      return { ok: false, reason: 'expired', at: row.expires_at ?? 'an unknown time' };
    if (row.disabled_at) return { ok: false, reason: 'disabled' };
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS)
      touch.run(now.toISOString(), row.token_id);
    return { ok: true, user: { id: row.id, name: row.name, role: row.role } };
  };
}

/** `tokenAuthentication` for callers that need only the user (null: the token does not authenticate). */
export function tokenAuthenticator(db: Db, clock: Clock = systemClock): (token: string) => AuthenticatedUser | null {
  const check = tokenAuthentication(db, clock);
  return (token) => {
    const r = check(token);
    return r.ok ? r.user : null;
  };
}

/** Why a token does not work, in words a person can act on. */
export function tokenRefusalText(r: TokenRefusal): string {
  switch (r.reason) {
    case 'expired':
      return `the bearer token expired at ${r.at}; ask an administrator for a new one`;
    case 'revoked':
      return `the bearer token was revoked at ${r.at}; ask an administrator for a new one`;
    case 'disabled':
      return 'the bearer token belongs to a disabled user';
    case 'unknown':
      return 'the bearer token is not valid (unknown)';
  }
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

/** One token as an administrator sees it (never the token itself, nor its hash). */
export interface TokenView {
  id: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: TokenStatus;
}

interface TokenListRow {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

const statusOf = (r: TokenListRow, now: Date): TokenStatus =>
  r.revoked_at ? 'revoked' : !r.expires_at || now.getTime() >= Date.parse(r.expires_at) ? 'expired' : 'active';

/** Every token (of one user, or all), oldest first, grouped by user id. */
export function tokensByUser(db: Db, clock: Clock, userId?: string): Map<string, TokenView[]> {
  const rows = prepared(
    db,
    `SELECT id, user_id, created_at, expires_at, last_used_at, revoked_at FROM api_tokens
     WHERE (@user IS NULL OR user_id = @user) ORDER BY created_at, id`,
  ).all({ user: userId ?? null }) as TokenListRow[];
  const now = clock.now();
  const out = new Map<string, TokenView[]>();
  for (const r of rows) {
    const list = out.get(r.user_id) ?? [];
    list.push({
      id: r.id,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
      status: statusOf(r, now),
    });
    out.set(r.user_id, list);
  }
  return out;
}
