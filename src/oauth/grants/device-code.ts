// RFC 8628 §3.4–3.5 Device Access Token Request: the client polls with its device code until the
// user has decided at /device. Only the client the code was issued to may redeem it; each answer
// says where the authorization stands; tokens are issued once, by a conditional UPDATE, so two
// polls at once never both get them.
import { tokenDigest } from '../../crypto/secrets.js';
import type { Client } from '../../domain/client.js';
import { OAuthFailure } from '../oauth-failure.js';
import type { Params } from '../params.js';
import type { IssuedTokens } from '../token-service.js';
import type { GrantContext } from './grant-context.js';

const invalid = (message: string): OAuthFailure => new OAuthFailure('invalid_grant', message);

export async function deviceCodeGrant(ctx: GrantContext, client: Client, params: Params): Promise<IssuedTokens> {
  if (params.device_code === undefined) throw OAuthFailure.missing('device_code');
  const digest = tokenDigest(params.device_code);
  const row = await ctx.store.deviceCodes.findByDeviceDigest(digest);
  if (!row) throw invalid('The device code is invalid.');
  if (row.clientId !== client.clientId) throw invalid('The device code was issued to another client.');
  if (row.status === 'redeemed') throw invalid('The device code was already used.');
  const nowMs = ctx.clock.now();
  if (row.expiresAt <= Math.floor(nowMs / 1000)) {
    throw new OAuthFailure('expired_token', 'The device code has expired. Start a new device authorization request.');
  }
  // RFC 8628 §3.5: every poll counts, whatever the state, so a client cannot poll its way faster
  if (ctx.devicePolls.tooSoon(digest, nowMs, row.interval)) {
    await ctx.store.deviceCodes.slowDown(digest);
    throw new OAuthFailure('slow_down', `The client polls too often. Wait at least ${row.interval + 5} seconds between requests.`);
  }
  if (row.status === 'pending') throw new OAuthFailure('authorization_pending', 'The user has not yet approved the request.');
  if (row.status === 'denied') throw new OAuthFailure('access_denied', 'The user denied the request.');

  const userId = row.userId!;
  const user = await ctx.store.users.findById(userId);
  if (!user?.status) throw invalid('The user who approved this device is blocked or gone.');
  if (ctx.revocations.grantEnded(String(userId), client.clientId, row.issuedMs)) {
    throw invalid("The device code was issued before the user's access was revoked; start again.");
  }
  // signed first, then one transaction redeems the code and records what it issued
  const prepared = await ctx.tokens.prepare({
    client,
    userId,
    scopes: row.scopes,
    refresh: client.grantTypes.includes('refresh_token'),
    authTime: row.authTime ?? undefined,
  });
  const redeemed = await ctx.store.transaction(async (tx) => {
    if (!(await tx.deviceCodes.redeem(digest))) return false;
    await prepared.persist(tx);
    return true;
  });
  ctx.devicePolls.forget(digest);
  if (!redeemed) throw invalid('The device code was already used.');
  const { issued } = prepared;
  if (row.scopes.includes('openid')) {
    issued.idToken = await ctx.idTokens.issue({
      user,
      clientId: client.clientId,
      scopes: row.scopes,
      // no `claims` parameter on a device authorization: scope claims go to userinfo (OIDC Core §5.4)
      claims: [],
      nonce: null,
      authTime: row.authTime ?? Math.floor(nowMs / 1000),
      amr: row.amr ?? undefined,
      accessToken: issued.accessToken,
    });
  }
  return issued;
}
