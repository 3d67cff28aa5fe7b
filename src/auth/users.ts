/**
 * The users of the API and the console, and their roles: created by the token CLI or an
 * administrator (or at a first sign-in with the identity provider, src/access/session/oidc-users.ts).
 * A role is never changed as a side effect: issuing a token for a user who has another role is a
 * conflict unless the change is asked for, and a change applies at once to every token and session
 * of the user (both look the role up on each request). Each change is logged when `by` is given.
 * These run inside the caller's transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { UserRole } from '../../machines/kit.js';
import type { Clock } from '../clock.js';
import { prepared } from '../reports/sql.js';
import { logAdministration, type Administrator } from './administration.js';

export interface UserRow {
  id: string;
  name: string;
  role: UserRole;
  createdAt: string;
  disabledAt: string | null;
  /** The user signs in through the identity provider (their role is set from its claims at each sign-in). */
  oidc: boolean;
}

const SELECT = `SELECT id, name, role, created_at AS createdAt, disabled_at AS disabledAt,
  oidc_subject IS NOT NULL AS oidc FROM users`;

const row = (r: (Omit<UserRow, 'oidc'> & { oidc: number }) | undefined): UserRow | null =>
  r ? { ...r, oidc: r.oidc === 1 } : null;

export const userById = (db: Db, id: string): UserRow | null =>
  row(prepared(db, `${SELECT} WHERE id = ?`).get(id) as never);
export const userByName = (db: Db, name: string): UserRow | null =>
  row(prepared(db, `${SELECT} WHERE name = ?`).get(name) as never);
export const allUsers = (db: Db): UserRow[] =>
  (prepared(db, `${SELECT} ORDER BY name`).all() as never[]).map((r) => row(r)!);

/** A new user, or null when the name is taken. */
export function createUser(
  deps: { db: Db; clock: Clock },
  name: string,
  role: UserRole,
  by?: Administrator,
): UserRow | null {
  if (userByName(deps.db, name)) return null;
  const id = randomUUID();
  const createdAt = deps.clock.now().toISOString();
  prepared(deps.db, 'INSERT INTO users (id, name, role, created_at) VALUES (?, ?, ?, ?)').run(
    id,
    name,
    role,
    createdAt,
  );
  if (by) logAdministration(deps, by, 'user.create', id, { role });
  return { id, name, role, createdAt, disabledAt: null, oidc: false };
}

/** Sets the user's role; returns the role they had (the same role: nothing written, nothing logged). */
export function changeRole(deps: { db: Db; clock: Clock }, userId: string, role: UserRole, by?: Administrator) {
  const user = userById(deps.db, userId);
  if (!user) return null;
  if (user.role !== role) {
    prepared(deps.db, 'UPDATE users SET role = ? WHERE id = ?').run(role, userId);
    if (by) logAdministration(deps, by, 'user.roleChange', userId, { role, previousRole: user.role });
  }
  return { user: { ...user, role }, previousRole: user.role };
}

/**
 * The user called `name`, created with `role` if there is none. One who has another role is a
 * `conflict` (their role) unless `changeRole`: then the role changes and `previousRole` says from what.
 */
export function findOrCreateUser(
  deps: { db: Db; clock: Clock },
  name: string,
  role: UserRole,
  opts: { changeRole?: boolean; by?: Administrator } = {},
): { user: UserRow; previousRole: UserRole | null; conflict: null } | { conflict: UserRole } {
  const existing = userByName(deps.db, name);
  if (!existing) return { user: createUser(deps, name, role, opts.by)!, previousRole: null, conflict: null };
  if (existing.role === role) return { user: existing, previousRole: null, conflict: null };
  if (!opts.changeRole) return { conflict: existing.role };
  changeRole(deps, existing.id, role, opts.by);
  return { user: { ...existing, role }, previousRole: existing.role, conflict: null };
}
