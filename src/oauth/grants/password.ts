// RFC 6749 §4.3 Resource Owner Password Credentials Grant, for clients that list it (it is
// omitted from OAuth 2.1; Gatehouse keeps it for miniOrange clients and migrations).
import type { Client } from '../../domain/client.js';
import { OAuthFailure } from '../oauth-failure.js';
import type { Params } from '../params.js';
import { requestedResource } from '../resource-target.js';
import { resolveScopes } from '../scopes.js';
import type { IssuedTokens } from '../token-service.js';
import type { GrantContext } from './grant-context.js';

export const SECOND_FACTOR_REQUIRED = 'A second factor is required for this user: the password grant cannot log them in. Use the authorization code flow.';

export async function passwordGrant(ctx: GrantContext, client: Client, params: Params, options: { refresh: boolean }): Promise<IssuedTokens> {
  if (params.username === undefined) throw OAuthFailure.missing('username');
  if (params.password === undefined) throw OAuthFailure.missing('password');
  // scope errors before the password check: a bad request should not cost a flood attempt
  const scopes = resolveScopes(params.scope, client.scopes, 'password', ctx.catalog);
  const resource = requestedResource(params.resource, ctx.catalog);
  const user = await ctx.users.authenticate(params.username, params.password, ctx.ip);
  // a password alone must not get past a second factor (as Keycloak refuses direct grants to
  // users with a required OTP): only after the password proved who asks, so nothing leaks
  if ((await ctx.secondFactors.requirement(user)) !== 'none') {
    throw new OAuthFailure('invalid_grant', SECOND_FACTOR_REQUIRED, { event: 'password.second_factor_required' });
  }
  return ctx.tokens.issue(ctx.store, { client, userId: user.uid, user, scopes, refresh: options.refresh, resource });
}
