// RFC 6749 §6 Refreshing an Access Token, with rotation (OAuth 2.1 §4.3.1): the presented token
// is spent, a new one continues its family, and a spent token presented again revokes the whole
// family and the access tokens issued from it (RFC 9700 §4.14.2) — unless its own client presents
// it again within the client's reuse interval (opt-in), which gets the same successor back.
import { nowSeconds } from '../../clock.js';
import { tokenDigest } from '../../crypto/secrets.js';
import type { Client } from '../../domain/client.js';
import { OAuthFailure } from '../oauth-failure.js';
import type { Params } from '../params.js';
import { revokeFamily } from '../revocation.js';
import { grantedResource } from '../resource-target.js';
import { refreshScopes } from '../scopes.js';
import type { IssuedTokens } from '../token-service.js';
import type { GrantContext } from './grant-context.js';

const invalid = (message: string): OAuthFailure => new OAuthFailure('invalid_grant', message);

export async function refreshTokenGrant(ctx: GrantContext, client: Client, params: Params): Promise<IssuedTokens> {
  if (params.refresh_token === undefined) throw OAuthFailure.missing('refresh_token');
  const digest = tokenDigest(params.refresh_token);
  const row = await ctx.store.refreshTokens.findByDigest(digest);
  const now = nowSeconds(ctx.clock);
  // another client's token is treated as unknown: nothing about it is revealed
  if (!row || row.clientId !== client.clientId) throw invalid('The refresh token is invalid.');
  if (row.revokedAt !== null) throw invalid('The refresh token has been revoked.');
  // RFC 9700 §4.14.2: a family has an absolute lifetime, however often it was rotated
  if (now >= row.familyStartedAt + client.refreshFamilyLifetime)
    throw invalid('This grant has reached its maximum lifetime; the user must authenticate again.');
  if (row.expiresAt <= now) throw invalid('The refresh token has expired.');
  const user = await ctx.store.users.findById(row.userId);
  if (!user?.status) throw invalid('The refresh token is invalid.');
  const scopes = refreshScopes(params.scope, row.scopes, client, user.roles, ctx.catalog);
  // RFC 8707: the granted resource (or, asked for, that one): never another
  const resource = grantedResource(row.resource ?? null, params.resource, ctx.catalog);

  // signed before, recorded with the spend in one transaction: a failure in between loses no
  // token, and no connection waits on a signature
  const prepared = await ctx.tokens.prepare({
    client,
    userId: row.userId,
    user,
    scopes,
    resource,
    refresh: true,
    familyId: row.familyId,
    familyStartedAt: row.familyStartedAt,
  });
  const successor =
    client.refreshReuseInterval > 0 ? { sealed: ctx.sealer.seal(prepared.issued.refreshToken!, digest), until: now + client.refreshReuseInterval } : undefined;
  // spend and record in one: a single statement on PostgreSQL, a commit shared with concurrent
  // rotations on SQLite (group commit); resolved only once committed
  const spent = await ctx.store.refreshTokens.rotate(digest, now, successor, prepared.refresh!);
  if (spent) return prepared.issued;
  const again = await reissueWithinInterval(ctx, client, digest, now);
  if (again) return again;
  await revokeFamily(ctx.store, ctx.clock, row.familyId);
  await ctx.revocations.refresh();
  throw new OAuthFailure('invalid_grant', 'The refresh token was already used; every token of its family is now revoked.', {
    event: 'refresh.reuse_detected',
  });
}

/**
 * A spent token presented again by its own client within the client's reuse interval (a reply
 * lost in transit, two tabs refreshing at once): the same successor, with a fresh access token
 * recorded against the family — Okta's grace period, Auth0's reuse interval. Null when this is a
 * replay after all: the interval is off or over, or the successor was used or revoked.
 */
async function reissueWithinInterval(ctx: GrantContext, client: Client, digest: string, now: number): Promise<IssuedTokens | null> {
  if (client.refreshReuseInterval <= 0) return null;
  const spent = await ctx.store.refreshTokens.findByDigest(digest);
  if (!spent || spent.revokedAt !== null || spent.spentAt === null || spent.successorSealed === null || spent.reuseUntil === null) return null;
  // the client's current interval counts too: shortening it takes effect at once
  if (now > Math.min(spent.reuseUntil, spent.spentAt + client.refreshReuseInterval)) return null;
  const successorToken = ctx.sealer.open(spent.successorSealed, digest);
  if (successorToken === null) return null;
  const successor = await ctx.store.refreshTokens.findByDigest(tokenDigest(successorToken));
  if (!successor || successor.spentAt !== null || successor.revokedAt !== null) return null;
  const user = (await ctx.store.users.findById(successor.userId)) ?? undefined;
  const resource = successor.resource ? (ctx.catalog.resources?.get(successor.resource) ?? null) : null;
  if (successor.resource && !resource) return null;
  const { issued } = await ctx.tokens.prepare({ client, userId: successor.userId, user, scopes: successor.scopes, refresh: false, resource });
  const recorded = await ctx.store.refreshTokens.recordReissue(successor.digest, {
    jti: issued.jti,
    familyId: successor.familyId,
    expiresAt: issued.expiresAt,
  });
  return recorded ? { ...issued, refreshToken: successorToken, familyId: successor.familyId } : null;
}
