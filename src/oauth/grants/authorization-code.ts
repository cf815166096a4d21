// RFC 6749 §4.1.3 Access Token Request with an authorization code, with PKCE (RFC 7636 §4.6) and
// RFC 9700's defences: the code is single-use and spent before anything else is checked, so a
// replay — by anyone — revokes what the first exchange issued (§4.2.4); it is bound to client,
// redirect URI and challenge; a verifier with no bound challenge is refused (PKCE downgrade).
import { nowSeconds } from '../../clock.js';
import { tokenDigest } from '../../crypto/secrets.js';
import type { Client } from '../../domain/client.js';
import { GrantError } from '../errors.js';
import type { Params } from '../params.js';
import { isValidVerifier, verifierMatches } from '../pkce.js';
import { revokeFamily } from '../revocation.js';
import type { IssuedTokens } from '../token-service.js';
import type { GrantContext } from './grant-context.js';

const invalid = (message: string): GrantError => new GrantError('invalid_grant', message);

export async function authorizationCodeGrant(ctx: GrantContext, client: Client, params: Params): Promise<IssuedTokens> {
  if (params.code === undefined) throw GrantError.missing('code');
  if (params.code_verifier !== undefined && !isValidVerifier(params.code_verifier)) {
    const lineBreak = /[\r\n]/.test(params.code_verifier)
      ? ' It contains a line break: `openssl rand -base64` wraps its output at 64 columns; use `openssl rand -base64 -A`.'
      : '';
    throw GrantError.invalid('code_verifier', `code_verifier must be 43–128 characters of A–Z, a–z, 0–9, "-", ".", "_", "~" (RFC 7636 §4.1).${lineBreak}`);
  }
  const digest = tokenDigest(params.code);
  const code = await ctx.store.codes.findByDigest(digest);
  if (!code) throw invalid('The authorization code is invalid.');
  const now = nowSeconds(ctx.clock);

  // the tokens are made first so the one write that spends the code also records them
  const prepared = await ctx.tokens.prepare({ client, userId: code.userId, scopes: code.scopes, refresh: client.grantTypes.includes('refresh_token'), authTime: code.authTime });
  const { issued } = prepared;
  if (!(await ctx.store.codes.spend(digest, now, { familyId: issued.familyId ?? null, accessJti: issued.jti, accessExpiresAt: issued.expiresAt }))) {
    // a second use: whoever holds it, what the first exchange issued is no longer safe
    if (code.familyId) await revokeFamily(ctx.store, ctx.clock, code.familyId);
    if (code.accessJti && code.accessExpiresAt && code.accessExpiresAt > now) {
      await ctx.store.revocations.add([{ kind: 'jti', subject: code.accessJti, at: ctx.clock.now(), expiresAt: code.accessExpiresAt }]);
    }
    await ctx.revocations.refresh();
    throw new GrantError('invalid_grant', 'The authorization code was already used; the tokens issued for it are revoked.', { event: 'code.replay_detected' });
  }

  if (code.clientId !== client.clientId) throw invalid('The authorization code was issued to another client.');
  if (code.expiresAt <= now) throw invalid('The authorization code has expired.');
  if (code.redirectUriGiven || params.redirect_uri !== undefined) {
    if (params.redirect_uri !== code.redirectUri) throw invalid('redirect_uri does not match the one of the authorization request.');
  }
  if (code.codeChallenge !== null) {
    if (params.code_verifier === undefined) throw invalid('code_verifier is required: the authorization request sent a code_challenge.');
    if (!verifierMatches(params.code_verifier, code.codeChallenge)) throw invalid('code_verifier does not match the code_challenge.');
  } else if (params.code_verifier !== undefined) {
    throw invalid('code_verifier was sent but the authorization request had no code_challenge.');
  }

  const user = await ctx.store.users.findById(code.userId);
  if (!user || !user.status) throw invalid('The user of this authorization code is blocked or gone.');
  await prepared.persist(ctx.store);
  if (code.scopes.includes('openid')) {
    issued.idToken = await ctx.idTokens.issue({ user, clientId: client.clientId, scopes: code.scopes, nonce: code.nonce, authTime: code.authTime, accessToken: issued.accessToken });
  }
  return issued;
}
