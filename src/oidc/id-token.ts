// ID tokens (OIDC Core §2, §3.1.3.6): RS256 by default, audience the client, bound to the login
// (auth_time), the request (nonce) and the access token issued with it (at_hash).
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { signJwt } from '../crypto/jwt.js';
import type { KeyRing, SigningAlg } from '../crypto/keys.js';
import type { AccessCatalog } from '../domain/access.js';
import { mappedClaims } from '../domain/claim-mapping.js';
import { scopeOfClaim } from '../domain/standard-claims.js';
import type { User } from '../domain/user.js';
import { acrOf, AMR_PASSWORD } from '../domain/authentication-method.js';
import { namedClaims } from './claims.js';

export const ID_TOKEN_TYP = 'JWT';

/** at_hash: the left half of the access token's hash, with the hash of the signing alg. */
export function accessTokenHash(accessToken: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken, 'ascii')
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** The requested claims whose scope was granted: no claim goes out without the user's approval. */
function releasedClaims(claims: readonly string[], scopes: readonly string[]): string[] {
  return claims.filter((claim) => {
    const scope = scopeOfClaim(claim);
    return scope !== undefined && scopes.includes(scope);
  });
}

export class IdTokens {
  constructor(private readonly deps: { keys: KeyRing; clock: Clock; issuer: string; ttl: number; catalog?: Pick<AccessCatalog, 'claimMappings'> }) {}

  /**
   * An ID token issued with an access token: the scopes' claims (`email`, `name`, …) are left to
   * userinfo (OIDC Core §5.4); only those the `claims` parameter asked the ID token for are here.
   */
  issue(options: {
    user: User;
    clientId: string;
    scopes: readonly string[];
    claims: readonly string[];
    nonce: string | null;
    authTime: number;
    /** RFC 8176 methods of the login (the session's); a password login when absent */
    amr?: readonly string[];
    accessToken: string;
  }): Promise<string> {
    const key = this.deps.keys.signingKey('id');
    const now = nowSeconds(this.deps.clock);
    const mappings = this.deps.catalog?.claimMappings;
    const amr = options.amr?.length ? options.amr : [AMR_PASSWORD];
    return signJwt(key, ID_TOKEN_TYP, {
      ...(mappings?.size ? mappedClaims(mappings.values(), options.user, options.scopes, 'idToken') : {}),
      ...namedClaims(options.user, releasedClaims(options.claims, options.scopes), this.deps.issuer),
      iss: this.deps.issuer,
      aud: options.clientId,
      exp: now + this.deps.ttl,
      iat: now,
      auth_time: options.authTime,
      // how the user logged in (RFC 8176), and the class that makes (OIDC Core §2)
      amr: [...amr],
      acr: acrOf(amr),
      ...(options.nonce !== null ? { nonce: options.nonce } : {}),
      at_hash: accessTokenHash(options.accessToken, key.alg),
    });
  }
}
