// Which scopes a token gets: the requested ones if each is known, allowed for the client and
// allowed with this grant; otherwise the client's defaults that this grant may carry.
import { scopesStillHeld, type AccessCatalog } from '../domain/access.js';
import type { GrantType } from '../domain/grant-types.js';
import { parseScopeParameter } from '../domain/scope.js';
import { OAuthFailure } from './oauth-failure.js';

function invalidScope(hint: string): OAuthFailure {
  return new OAuthFailure('invalid_scope', 'The requested scope is invalid, unknown, or malformed', { hint });
}

export function resolveScopes(requested: string | undefined, allowed: readonly string[], grantType: GrantType, catalog: AccessCatalog): string[] {
  const usable = (name: string): boolean => catalog.scopes.get(name)?.grantTypes.includes(grantType) ?? false;
  if (requested === undefined || requested === '') return allowed.filter(usable);
  const names = parseScopeParameter(requested);
  if (names === null) throw invalidScope('The scope parameter must be space-separated scope names');
  for (const name of names) {
    if (!catalog.scopes.has(name)) throw invalidScope(`Unknown scope ${name}`);
    if (!allowed.includes(name)) throw invalidScope(`The client may not request the scope ${name}`);
    if (!usable(name)) throw invalidScope(`The scope ${name} may not be used with the ${grantType} grant`);
  }
  return names;
}

/** Refresh (RFC 6749 §6): the scope may narrow, never widen. */
export function narrowScopes(requested: string | undefined, original: readonly string[]): string[] {
  if (requested === undefined || requested === '') return [...original];
  const names = parseScopeParameter(requested);
  if (names === null) throw invalidScope('The scope parameter must be space-separated scope names');
  const extra = names.find((n) => !original.includes(n));
  if (extra) throw invalidScope(`The scope ${extra} was not granted originally`);
  return names;
}

/**
 * The scopes of a refreshed token: those granted (narrowed if asked, never widened, RFC 6749 §6)
 * that the client may still be given and that still give the user something — a client that lost
 * a scope, or a user who lost the permission or role a scope stands for, no longer gets it. Asking
 * for a dropped scope by name is refused; otherwise the answer's `scope` shows what remains.
 */
export function refreshScopes(
  requested: string | undefined,
  granted: readonly string[],
  client: { scopes: readonly string[]; authorizationCodeScopes: readonly string[] },
  userRoles: readonly string[],
  catalog: AccessCatalog,
): string[] {
  const narrowed = narrowScopes(requested, granted);
  const clientHas = new Set([...client.scopes, ...client.authorizationCodeScopes]);
  const kept = new Set(
    scopesStillHeld(
      narrowed.filter((n) => clientHas.has(n)),
      userRoles,
      catalog,
    ),
  );
  const dropped = narrowed.find((n) => !kept.has(n));
  if (dropped !== undefined && requested !== undefined && requested !== '') {
    throw invalidScope(`The scope ${dropped} is no longer available to this client or user`);
  }
  return narrowed.filter((n) => kept.has(n));
}
