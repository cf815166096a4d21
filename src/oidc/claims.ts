// Standard OpenID Connect claims of a user (OIDC Core §5.1, docs/compatibility.md §4), by the
// granted scopes (§5.4) or as requested by name (the `claims` parameter, §5.5). The account gives
// the name, languages, time zone and e-mail address; every other standard claim is read from the
// user field of the same name (src/domain/user-fields.ts) and omitted while unset or ill-typed.
import { ADDRESS_CLAIMS, EMAIL_CLAIMS, PHONE_CLAIMS, PROFILE_CLAIMS, SCOPE_CLAIMS } from '../domain/standard-claims.js';
import type { User } from '../domain/user.js';

/**
 * Authentication Context Class References (OIDC Core §2, `acr`): a password login, or one with a
 * second factor (src/domain/authentication-method.ts); the ID token says which one the login used.
 */
export { ACR_MFA, ACR_PASSWORD, ACR_VALUES_SUPPORTED } from '../domain/authentication-method.js';

export { ADDRESS_CLAIMS, EMAIL_CLAIMS, PHONE_CLAIMS, PROFILE_CLAIMS, SCOPE_CLAIMS };

/** Every claim about the user Gatehouse can answer (discovery's claims_supported). */
export const USER_CLAIMS: readonly string[] = Object.values(SCOPE_CLAIMS).flat();

/** The claims read from user fields, and the JSON type each must have there. */
const FIELD_CLAIM_TYPES: Readonly<Record<string, 'string' | 'boolean' | 'object'>> = {
  family_name: 'string',
  given_name: 'string',
  middle_name: 'string',
  nickname: 'string',
  picture: 'string',
  website: 'string',
  gender: 'string',
  birthdate: 'string',
  phone_number: 'string',
  phone_number_verified: 'boolean',
  address: 'object',
};

/** One claim of `user`, or undefined when the user has no value for it. */
export function userClaim(user: User, claim: string, issuer: string): unknown {
  switch (claim) {
    case 'name':
    case 'preferred_username':
      return user.name;
    case 'locale':
      return user.preferredLangcode;
    case 'zoneinfo':
      return user.timezone ?? undefined;
    case 'updated_at':
      return user.changed;
    case 'profile':
      return `${issuer}/user/${user.uid}`;
    case 'email':
      return user.mail ?? undefined;
    case 'email_verified':
      // true only once the address was proved by a mailed link (registration, reset); a new address is unverified again
      return user.mail ? user.mailVerified : undefined;
  }
  const type = FIELD_CLAIM_TYPES[claim];
  if (type === undefined || !Object.hasOwn(user.fields, claim)) return undefined;
  const value = user.fields[claim];
  const ok = type === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value) : typeof value === type;
  return ok ? value : undefined;
}

/** The claim names the granted scopes ask for (§5.4), in the order of SCOPE_CLAIMS. */
export function scopeClaimNames(scopes: readonly string[]): string[] {
  return Object.entries(SCOPE_CLAIMS).flatMap(([scope, claims]) => (scopes.includes(scope) ? claims : []));
}

/** `sub` and each named claim the user has a value for; unknown names are ignored (§5.5). */
export function namedClaims(user: User, names: readonly string[], issuer: string): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: String(user.uid) };
  for (const name of names) {
    const value = userClaim(user, name, issuer);
    if (value !== undefined) claims[name] = value;
  }
  return claims;
}

/** `sub` and the claims the granted OIDC scopes ask for. */
export function userClaims(user: User, scopes: readonly string[], issuer: string): Record<string, unknown> {
  return namedClaims(user, scopeClaimNames(scopes), issuer);
}
