/**
 * The `users` row of a person who signs in with OpenID Connect: found by (issuer, subject), created
 * on their first sign-in, and given the role their claims map to at every sign-in (the identity
 * provider is the authority on roles). A disabled user stays refused. Names are unique in
 * `users`, so a display name already taken by someone else gets the username (or subject) added.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../../db/client.js';
import type { UserRole } from '../../../machines/kit.js';
import type { AuthenticatedUser } from '../../auth/tokens.js';
import type { Clock } from '../../clock.js';

export interface OidcIdentity {
  issuer: string;
  subject: string;
  displayName: string | null;
  username: string | null;
}

export type OidcUserResult = { ok: true; user: AuthenticatedUser } | { ok: false; reason: 'disabled' };

export function signInOidcUser(db: Db, clock: Clock, who: OidcIdentity, role: UserRole): OidcUserResult {
  const sqlite = db.$client;
  return sqlite
    .transaction((): OidcUserResult => {
      const existing = sqlite
        .prepare(`SELECT id, name, disabled_at FROM users WHERE oidc_issuer = ? AND oidc_subject = ?`)
        .get(who.issuer, who.subject) as { id: string; name: string; disabled_at: string | null } | undefined;
      if (existing) {
        if (existing.disabled_at) return { ok: false, reason: 'disabled' };
        sqlite.prepare(`UPDATE users SET role = ? WHERE id = ?`).run(role, existing.id);
        return { ok: true, user: { id: existing.id, name: existing.name, role } };
      }
      const taken = sqlite.prepare(`SELECT 1 FROM users WHERE name = ?`).pluck();
      const base = who.displayName ?? who.username ?? who.subject;
      const name = [base, who.username ? `${base} (${who.username})` : null, `${base} [${who.subject}]`].find(
        (n): n is string => n !== null && !taken.get(n),
      );
      const id = randomUUID();
      sqlite
        .prepare(
          `INSERT INTO users (id, name, role, created_at, disabled_at, oidc_issuer, oidc_subject)
         VALUES (?, ?, ?, ?, NULL, ?, ?)`,
        )
        .run(id, name ?? `${base} [${id}]`, role, clock.now().toISOString(), who.issuer, who.subject);
      return { ok: true, user: { id, name: name ?? `${base} [${id}]`, role } };
    })
    .immediate();
}
