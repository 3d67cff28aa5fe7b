/**
 * Users as an administrator sees them: name, role, how they sign in, and each of their tokens'
 * dates and status (never a token or its hash).
 */
import type { Db } from '../../db/client.js';
import { tokensByUser, type TokenView } from '../auth/tokens.js';
import { allUsers, userById, type UserRow } from '../auth/users.js';
import type { Clock } from '../clock.js';

export interface UserView extends Omit<UserRow, 'oidc'> {
  signIn: 'token' | 'identityProvider';
  tokens: TokenView[];
}

const view = (u: UserRow, tokens: Map<string, TokenView[]>): UserView => {
  const { oidc, ...rest } = u;
  return { ...rest, signIn: oidc ? 'identityProvider' : 'token', tokens: tokens.get(u.id) ?? [] };
};

export function listUsers(db: Db, clock: Clock): UserView[] {
  const tokens = tokensByUser(db, clock);
  return allUsers(db).map((u) => view(u, tokens));
}

export function getUser(db: Db, clock: Clock, id: string): UserView | null {
  const u = userById(db, id);
  return u ? view(u, tokensByUser(db, clock, id)) : null;
}
