// Standard OpenID Connect claims of a user (docs/compatibility.md §4), filtered by the granted
// OIDC scopes.
import type { User } from '../domain/user.js';

export const PROFILE_CLAIMS = ['name', 'preferred_username', 'locale', 'zoneinfo', 'updated_at', 'profile'] as const;
export const EMAIL_CLAIMS = ['email', 'email_verified'] as const;

export function userClaims(user: User, scopes: readonly string[], issuer: string): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: String(user.uid) };
  if (scopes.includes('profile')) {
    claims.name = user.name;
    claims.preferred_username = user.name;
    claims.locale = user.preferredLangcode;
    if (user.timezone) claims.zoneinfo = user.timezone;
    claims.updated_at = user.changed;
    claims.profile = `${issuer}/user/${user.uid}`;
  }
  if (scopes.includes('email') && user.mail) {
    claims.email = user.mail;
    // true only once the address was proved by a mailed link (registration, reset); a new address is unverified again
    claims.email_verified = user.mailVerified;
  }
  return claims;
}
