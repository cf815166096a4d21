// ID tokens (OIDC Core §2, §3.1.3.6): RS256 by default, audience the client, bound to the login
// (auth_time), the request (nonce) and the access token issued with it (at_hash).
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { signJwt } from '../crypto/jwt.js';
import type { KeyRing, SigningAlg } from '../crypto/keys.js';
import type { User } from '../domain/user.js';
import { userClaims } from './claims.js';

export const ID_TOKEN_TYP = 'JWT';

/** at_hash: the left half of the access token's hash, with the hash of the signing alg. */
export function accessTokenHash(accessToken: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export class IdTokens {
  constructor(private readonly deps: { keys: KeyRing; clock: Clock; issuer: string; ttl: number }) {}

  issue(options: { user: User; clientId: string; scopes: readonly string[]; nonce: string | null; authTime: number; accessToken: string }): Promise<string> {
    const key = this.deps.keys.signingKey('id');
    const now = nowSeconds(this.deps.clock);
    return signJwt(key, ID_TOKEN_TYP, {
      ...userClaims(options.user, options.scopes, this.deps.issuer),
      iss: this.deps.issuer,
      aud: options.clientId,
      exp: now + this.deps.ttl,
      iat: now,
      auth_time: options.authTime,
      ...(options.nonce !== null ? { nonce: options.nonce } : {}),
      at_hash: accessTokenHash(options.accessToken, key.alg),
    });
  }
}
