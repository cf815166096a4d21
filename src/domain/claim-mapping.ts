// Custom claims (issue 14 part 5): per scope, claims the operator adds to access tokens and ID
// tokens, each a literal or a reference to the user — `$user.roles`, `$user.name`, `$user.mail`,
// `$user.uid`, `$user.field.NAME`. A token carries the claims of the mappings whose scope it was
// granted; a reference the user has no value for is left out. Registered claims cannot be mapped:
// a mapping never changes what a token means.
import type { User } from './user.js';
import { USER_FIELD_NAME } from './user-fields.js';

export type ClaimTemplate = Record<string, unknown>;

export interface ClaimMapping {
  scope: string;
  accessToken: ClaimTemplate;
  idToken: ClaimTemplate;
}

/** Claims a mapping may not set: JWT, RFC 9068, OIDC, RFC 7662 and RFC 7800 ones. */
export const REGISTERED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'scope',
  'client_id',
  'nonce',
  'auth_time',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'c_hash',
  's_hash',
  'sid',
  'typ',
  'cnf',
  'act',
  'may_act',
  'active',
  'token_type',
  'username',
  'events',
]);

const REFERENCE = /^\$user\./;
const FIELD_REFERENCE = /^\$user\.field\.(.+)$/;
export const USER_REFERENCES = ['$user.roles', '$user.name', '$user.mail', '$user.uid', '$user.field.NAME'] as const;

/** A claim name a mapping may set: 1–64 printable characters, not a registered one. */
const CLAIM_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

/** Why `template` cannot be a mapping's claims, naming the claim at fault, or null when it can. */
export function claimTemplateProblem(template: unknown): { claim?: string; message: string } | null {
  if (typeof template !== 'object' || template === null || Array.isArray(template)) return { message: 'must be an object of claim names to values' };
  for (const [claim, value] of Object.entries(template)) {
    if (REGISTERED_CLAIMS.has(claim)) return { claim, message: `"${claim}" is a registered claim and cannot be mapped` };
    if (!CLAIM_NAME.test(claim)) return { claim, message: `"${claim}" is not a valid claim name (a letter, then letters, digits, "_", ".", ":" or "-")` };
    if (typeof value === 'string' && REFERENCE.test(value) && !isKnownReference(value))
      return { claim, message: `"${value}" is not a known reference (${USER_REFERENCES.join(', ')})` };
    if (value === null || value === undefined) return { claim, message: 'must have a value' };
  }
  if (JSON.stringify(template).includes('\\u0000')) return { message: 'may not contain NUL characters' };
  return null;
}

function isKnownReference(value: string): boolean {
  const field = FIELD_REFERENCE.exec(value);
  if (field) return USER_FIELD_NAME.test(field[1]);
  return (USER_REFERENCES as readonly string[]).includes(value);
}

/** A template value for `user`: a reference resolved (undefined when the user has none), a literal as written. */
function resolve(value: unknown, user: User): unknown {
  if (typeof value !== 'string' || !REFERENCE.test(value)) return value;
  const field = FIELD_REFERENCE.exec(value);
  if (field) return Object.hasOwn(user.fields, field[1]) ? user.fields[field[1]] : undefined;
  switch (value) {
    case '$user.roles':
      return [...user.roles];
    case '$user.name':
      return user.name;
    case '$user.mail':
      return user.mail ?? undefined;
    case '$user.uid':
      return user.uid;
  }
  return undefined;
}

/**
 * The claims `user` gets in a token of `kind` granted `scopes`: every mapping of a granted scope,
 * in scope-name order (a later scope's claim of the same name wins). Never a registered claim.
 */
export function mappedClaims(
  mappings: Iterable<ClaimMapping>,
  user: User,
  scopes: readonly string[],
  kind: 'accessToken' | 'idToken',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const granted = [...mappings].filter((m) => scopes.includes(m.scope)).sort((a, b) => (a.scope < b.scope ? -1 : 1));
  for (const mapping of granted) {
    for (const [claim, value] of Object.entries(mapping[kind])) {
      if (REGISTERED_CLAIMS.has(claim)) continue;
      const resolved = resolve(value, user);
      if (resolved !== undefined) out[claim] = resolved;
    }
  }
  return out;
}
