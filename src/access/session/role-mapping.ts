/**
 * The role of a person signing in with OpenID Connect comes from one claim of their ID token
 * (Entra ID: the app roles in `roles`, or group object ids in `groups`), through the force's
 * mapping. The first mapping entry whose value the person has decides, so a force lists its most
 * specific roles first. No matching value: no role, and sign-in is refused.
 */
import type { UserRole } from '../../../machines/kit.js';
import type { OidcConfig } from '../../config/schema.js';

export type RoleDecision = { ok: true; role: UserRole } | { ok: false; reason: string };

/** A claim's values as strings: a string claim is one value, an array claim many, anything else none. */
function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

export function roleFromClaims(
  claims: Record<string, unknown>,
  config: Pick<OidcConfig, 'roleClaim' | 'roleMapping'>,
): RoleDecision {
  const values = new Set(claimValues(claims[config.roleClaim]));
  const match = config.roleMapping.find((m) => values.has(m.claimValue));
  if (match) return { ok: true, role: match.role };
  // Entra ID leaves `groups` out of the token when a user is in too many groups ("overage").
  const names = claims._claim_names as Record<string, unknown> | undefined;
  if (values.size === 0 && names && typeof names === 'object' && config.roleClaim in names)
    return {
      ok: false,
      reason:
        `your identity provider did not put the '${config.roleClaim}' claim in the sign-in token (too many ` +
        `values); ask your administrator to map app roles or the groups assigned to this application`,
    };
  return {
    ok: false,
    reason:
      values.size === 0
        ? `your account has no '${config.roleClaim}' claim, so no role in this system`
        : `none of your '${config.roleClaim}' values is mapped to a role in this system`,
  };
}
