// RFC 6749 §4.1.3 Access Token Request with an authorization code, with PKCE (RFC 7636 §4.6) and
// RFC 9700's defences: the code is single-use and spent before any check can fail, so a
// replay — by anyone — revokes what the first exchange issued (§4.2.4); it is bound to client,
// redirect URI and challenge; a verifier with no bound challenge is refused (PKCE downgrade).
import { nowSeconds } from '../../clock.js';
import { tokenDigest } from '../../crypto/secrets.js';
import type { Client } from '../../domain/client.js';
import { OAuthFailure } from '../oauth-failure.js';
import type { Params } from '../params.js';
import { isValidVerifier, verifierMatches } from '../pkce.js';
import { grantedResource, requestedResource } from '../resource-target.js';
import { revokeFamily } from '../revocation.js';
import type { AuthorizationCodeRow } from '../../store/store.js';
import type { IssuedTokens } from '../token-service.js';
import type { GrantContext } from './grant-context.js';

const invalid = (message: string): OAuthFailure => new OAuthFailure('invalid_grant', message);

export async function authorizationCodeGrant(ctx: GrantContext, client: Client, params: Params): Promise<IssuedTokens> {
  if (params.code === undefined) throw OAuthFailure.missing('code');
  if (params.code_verifier !== undefined && !isValidVerifier(params.code_verifier)) {
    const lineBreak = /[\r\n]/.test(params.code_verifier)
      ? ' It contains a line break: `openssl rand -base64` wraps its output at 64 columns; use `openssl rand -base64 -A`.'
      : '';
    throw OAuthFailure.invalid('code_verifier', `code_verifier must be 43–128 characters of A–Z, a–z, 0–9, "-", ".", "_", "~" (RFC 7636 §4.1).${lineBreak}`);
  }
  const digest = tokenDigest(params.code);
  const code = await ctx.store.codes.findByDigest(digest);
  if (!code) throw invalid('The authorization code is invalid.');
  const now = nowSeconds(ctx.clock);
  const user = await ctx.store.users.findById(code.userId);
  // RFC 8707: the resource authorized, or asked for here when none was (never another)
  const resource =
    code.resource || params.resource === undefined
      ? grantedResource(code.resource ?? null, params.resource, ctx.catalog)
      : requestedResource(params.resource, ctx.catalog);

  // The tokens are made first, so that one transaction spends the code, checks it and records
  // what it issued: a concurrent second use waits for that transaction and then finds the code
  // spent and its tokens in place to revoke.
  const prepared = await ctx.tokens.prepare({
    client,
    userId: code.userId,
    user: user ?? undefined,
    scopes: code.scopes,
    resource,
    refresh: client.grantTypes.includes('refresh_token'),
    authTime: code.authTime,
  });
  const { issued } = prepared;
  // checked against the row read above (what is checked never changes once a code is issued);
  // a failed check still spends the code: a wrong verifier is one guess, not many
  const refused =
    checkCode(code, client, params, now) ??
    (!user?.status ? invalid('The user of this authorization code is blocked or gone.') : null) ??
    // the user's tokens and sessions were ended after the code was issued (password, status or
    // roles changed, access revoked): the code goes with them
    (ctx.revocations.grantEnded(String(code.userId), code.clientId, code.issuedMs)
      ? invalid("The authorization code was issued before the user's access was revoked; ask the user to authorize again.")
      : null);
  // spend and record in one: a single statement on PostgreSQL, a commit shared with concurrent
  // exchanges on SQLite (group commit); a concurrent second use finds the code spent and, once
  // this commits, its tokens in place to revoke
  const recorded = { familyId: issued.familyId ?? null, accessJti: issued.jti, accessExpiresAt: issued.expiresAt };
  const used = refused ? await ctx.store.codes.spend(digest, now, recorded) : await ctx.store.codes.exchange(digest, now, recorded, prepared.refresh);
  const outcome = used ? refused : 'replay';
  if (outcome === 'replay') {
    // a second use: whoever holds it, what the first exchange issued is no longer safe
    const spent = await ctx.store.codes.findByDigest(digest);
    if (spent?.familyId) await revokeFamily(ctx.store, ctx.clock, spent.familyId);
    if (spent?.accessJti && spent.accessExpiresAt && spent.accessExpiresAt > now) {
      await ctx.store.revocations.add([{ kind: 'jti', subject: spent.accessJti, at: ctx.clock.now(), expiresAt: spent.accessExpiresAt }]);
    }
    await ctx.revocations.refresh();
    throw new OAuthFailure('invalid_grant', 'The authorization code was already used; the tokens issued for it are revoked.', {
      event: 'code.replay_detected',
    });
  }
  if (outcome) throw outcome;
  if (code.scopes.includes('openid')) {
    issued.idToken = await ctx.idTokens.issue({
      user: user!,
      clientId: client.clientId,
      scopes: code.scopes,
      claims: code.claims?.idToken ?? [],
      nonce: code.nonce,
      authTime: code.authTime,
      amr: code.amr ?? undefined,
      accessToken: issued.accessToken,
    });
  }
  return issued;
}

/** The bindings of RFC 6749 §4.1.3 and RFC 7636 §4.6: client, expiry, redirect URI, verifier. */
function checkCode(code: AuthorizationCodeRow, client: Client, params: Params, now: number): OAuthFailure | null {
  if (code.clientId !== client.clientId) return invalid('The authorization code was issued to another client.');
  if (code.expiresAt <= now) return invalid('The authorization code has expired.');
  if (code.redirectUriGiven || params.redirect_uri !== undefined) {
    if (params.redirect_uri !== code.redirectUri) return invalid('redirect_uri does not match the one of the authorization request.');
  }
  if (code.codeChallenge !== null) {
    if (params.code_verifier === undefined) return invalid('code_verifier is required: the authorization request sent a code_challenge.');
    if (!verifierMatches(params.code_verifier, code.codeChallenge)) return invalid('code_verifier does not match the code_challenge.');
  } else if (params.code_verifier !== undefined) {
    return invalid('code_verifier was sent but the authorization request had no code_challenge.');
  }
  return null;
}
