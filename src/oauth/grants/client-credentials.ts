// RFC 6749 §4.4 Client Credentials Grant. The token acts as a user, so that owner rules apply
// (docs/compatibility.md §4): the client's default user, or — on the miniOrange endpoint only — a
// named user the client may act for (its `actAs` list, or anyone with "*").
import { requestedResource } from '../resource-target.js';
import { ACT_AS_ANYONE, type Client } from '../../domain/client.js';
import { ANONYMOUS_UID, type User } from '../../domain/user.js';
import { OAuthFailure } from '../oauth-failure.js';
import type { Params } from '../params.js';
import { resolveScopes } from '../scopes.js';
import type { IssuedTokens } from '../token-service.js';
import type { GrantContext } from './grant-context.js';

export interface ClientCredentialsOptions {
  /** user name the client acts for (miniOrange `username`); the default user when absent */
  actAs?: string;
  refresh: boolean;
}

/** Says how to fix it: the newcomer who made a client without a default user reads this. */
export const NO_DEFAULT_USER =
  'The client has no default user for client_credentials tokens to act as. Give the client a default user, or use another grant type.';

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase(); // as the store matches names

/**
 * The user a named request acts for. The client's own list is consulted first, by the ids it
 * holds, so a name outside it is refused before anything looks it up: the answer never tells
 * whether such a user exists. `'*'` (miniOrange's behaviour) looks up anyone.
 */
async function namedUser(ctx: GrantContext, client: Client, name: string): Promise<User> {
  let user: User | null = null;
  if (client.actAs === ACT_AS_ANYONE) {
    user = await ctx.store.users.findByName(name);
  } else {
    for (const uid of new Set([...(client.userId === null ? [] : [client.userId]), ...client.actAs])) {
      const candidate = await ctx.store.users.findById(uid);
      if (candidate && sameName(candidate.name, name)) user = candidate;
    }
    if (!user) throw new OAuthFailure('act_as_refused', 'The client may not act for this user.', { param: 'username' });
  }
  if (!user || user.uid === ANONYMOUS_UID) throw new OAuthFailure('invalid_credentials', 'The user credentials were incorrect.');
  return user;
}

async function actingUser(ctx: GrantContext, client: Client, actAs: string | undefined): Promise<User> {
  if (actAs !== undefined) return namedUser(ctx, client, actAs);
  const user = client.userId === null ? null : await ctx.store.users.findById(client.userId);
  if (!user || user.uid === ANONYMOUS_UID) {
    // a token with no owner would escape every owner rule: refuse instead
    throw new OAuthFailure('no_default_user', NO_DEFAULT_USER, { param: 'username' });
  }
  return user;
}

export async function clientCredentialsGrant(ctx: GrantContext, client: Client, params: Params, options: ClientCredentialsOptions): Promise<IssuedTokens> {
  // §4.4: only confidential clients can use this grant
  if (!client.confidential) throw new OAuthFailure('unauthorized_client', 'Public clients cannot use the client_credentials grant');
  const user = await actingUser(ctx, client, options.actAs);
  if (!user.status) throw new OAuthFailure('user_blocked', 'The user account is blocked.');
  const scopes = resolveScopes(params.scope, client.scopes, 'client_credentials', ctx.catalog);
  const resource = requestedResource(params.resource, ctx.catalog);
  return ctx.tokens.issue(ctx.store, { client, userId: user.uid, user, scopes, refresh: options.refresh, resource });
}
