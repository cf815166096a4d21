// Scopes are entities (Simple OAuth 6): each grants one permission or one role, lists the grant
// types it may be requested with, and an umbrella scope grants what its children grant.
import { GRANT_TYPES, type GrantType } from './grant-types.js';

export type ScopeGranularity = 'permission' | 'role';

export interface Scope {
  name: string;
  description: string;
  grantTypes: GrantType[];
  /** umbrella scopes grant nothing themselves, only what their children grant */
  umbrella: boolean;
  parent: string | null;
  granularity: ScopeGranularity | null;
  permission: string | null;
  role: string | null;
}

/** OIDC scopes: built in, grant no permission, only shape the id token and userinfo. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'address', 'phone'] as const;

const OIDC_DESCRIPTIONS: Record<(typeof OIDC_SCOPES)[number], string> = {
  openid: 'Sign you in with your account',
  profile: 'See your name, language and time zone',
  email: 'See your e-mail address',
  address: 'See your postal address',
  phone: 'See your phone number',
};

export const BUILT_IN_SCOPES: readonly Scope[] = OIDC_SCOPES.map((name) => ({
  name,
  description: OIDC_DESCRIPTIONS[name],
  grantTypes: GRANT_TYPES.filter((g) => g !== 'client_credentials'),
  umbrella: false,
  parent: null,
  granularity: null,
  permission: null,
  role: null,
}));

export function isBuiltInScope(name: string): boolean {
  return (OIDC_SCOPES as readonly string[]).includes(name);
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;

export function isValidScopeName(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/** Splits a `scope` parameter; null when it is not a well-formed scope list. */
export function parseScopeParameter(value: string): string[] | null {
  if (value === '') return [];
  const parts = value.split(' ');
  if (parts.some((p) => !isValidScopeName(p))) return null;
  return [...new Set(parts)];
}
