/**
 * API tokens: a bearer token maps to a user with a role. Only the SHA-256 of a token is stored;
 * the token is printed once when created.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiTokens, users } from '../../db/schema.js';
import type { UserRole } from '../../machines/types.js';
import type { Clock } from '../clock.js';

export interface AuthenticatedUser {
  id: string;
  name: string;
  role: UserRole;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class UserRoleConflict extends Error {}

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
  opts: { changeRole?: boolean } = {},
): { user: AuthenticatedUser; token: string; previousRole: UserRole | null } {
  return db.transaction(
    (tx) => {
      const now = clock.now().toISOString();
      let user = tx.select().from(users).where(eq(users.name, name)).all()[0];
      let previousRole: UserRole | null = null;
      if (user && user.role !== role) {
        if (!opts.changeRole)
          throw new UserRoleConflict(
            `user '${name}' already exists with role ${user.role}; roles are not changed by issuing a token`,
          );
        previousRole = user.role as UserRole;
        tx.update(users).set({ role }).where(eq(users.id, user.id)).run();
        user = { ...user, role };
      }
      if (!user) {
        user = { id: randomUUID(), name, role, createdAt: now, disabledAt: null };
        tx.insert(users).values(user).run();
      }
      const token = `mht_${randomBytes(32).toString('base64url')}`;
      tx.insert(apiTokens)
        .values({ id: randomUUID(), userId: user.id, tokenHash: hashToken(token), createdAt: now, revokedAt: null })
        .run();
      return { user: { id: user.id, name: user.name, role: user.role as UserRole }, token, previousRole };
    },
    { behavior: 'immediate' },
  );
}

/** Looks a bearer token up; prepared once per database. */
export function tokenAuthenticator(db: Db): (token: string) => AuthenticatedUser | null {
  const stmt = db.$client.prepare(
    `SELECT u.id AS id, u.name AS name, u.role AS role FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL`,
  );
  return (token) => (stmt.get(hashToken(token)) as AuthenticatedUser | undefined) ?? null;
}
