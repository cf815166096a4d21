// request → principal, or the resource error to answer. Verifies with keys held in memory and
// consults the in-memory revocation view: no database round trip on this path.
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { JwtVerifyError, verifyJwt, type JwtClaims } from '../crypto/jwt.js';
import type { KeyRing } from '../crypto/keys.js';
import { ACCESS_TOKEN_TYP, readAccessTokenClaims } from '../tokens/access-token-format.js';
import { resourceErrors } from './resource-errors.js';
import type { RevocationView } from './revocation-view.js';

export interface Principal {
  uid: number;
  clientId: string;
  scopes: string[];
  jti: string;
  /** seconds */
  expiresAt: number;
  /** ms: from our jti, else from iat */
  issuedMs: number;
  claims: JwtClaims;
}

interface Cached {
  principal: Principal;
  nbf: number;
  kid: string;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const CACHE_LIMIT = 10_000;

export interface BearerGuardDeps {
  keys: KeyRing;
  /** reloads the key ring (throttled); true when it may now hold more keys */
  refreshKeys?: () => Promise<boolean>;
  revocations: RevocationView;
  clock: Clock;
  issuer: string;
  audience: string;
}

export class BearerGuard {
  /** tokens whose signature and claims already verified; keyed by the exact token text */
  private readonly verified = new Map<string, Cached>();

  constructor(private readonly deps: BearerGuardDeps) {}

  /** After the key ring changed: a token whose key is no longer published must verify again (and fail). */
  forgetUnknownKeys(): void {
    for (const [token, entry] of this.verified) if (!this.deps.keys.verificationKey(entry.kid)) this.verified.delete(token);
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (authorization === undefined || authorization.trim() === '') throw resourceErrors.missingHeader();
    const match = BEARER.exec(authorization);
    if (!match) {
      if (/^Bearer(\s|$)/i.test(authorization)) throw resourceErrors.invalidToken();
      throw resourceErrors.wrongScheme();
    }
    return this.check(match[1]);
  }

  /**
   * Verifies a bare token: signature, claims, audience, revocation, the user's status. The
   * audience is Gatehouse's own unless `audiences` names others (introspection accepts the tokens
   * of registered resources, RFC 8707; a protected route of Gatehouse never does).
   */
  async check(token: string, audiences: readonly string[] = [this.deps.audience]): Promise<Principal> {
    const now = nowSeconds(this.deps.clock);
    const principal = await this.verify(token, now, audiences);
    // checked on every use, the remembered ones too: one verified for introspection is not thereby good here
    if (typeof principal.claims.aud !== 'string' || !audiences.includes(principal.claims.aud)) throw resourceErrors.invalidToken();
    const { revocations } = this.deps;
    if (revocations.isBlocked(principal.uid)) throw resourceErrors.userBlocked();
    if (revocations.isRevoked({ jti: principal.jti, sub: String(principal.uid), clientId: principal.clientId, issuedMs: principal.issuedMs })) {
      throw resourceErrors.invalidToken();
    }
    return principal;
  }

  private async verify(token: string, now: number, audiences: readonly string[]): Promise<Principal> {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.principal.expiresAt <= now) {
        this.verified.delete(token);
        throw resourceErrors.expired();
      }
      if (cached.nbf > now) throw resourceErrors.invalidToken();
      return cached.principal;
    }
    let claims: JwtClaims;
    let kid: string;
    const options = { typ: ACCESS_TOKEN_TYP, keyUse: 'access' as const, issuer: this.deps.issuer, audience: [...audiences], now };
    try {
      try {
        ({ claims, kid } = await verifyJwt(this.deps.keys, token, options));
      } catch (error) {
        // a key made by another instance moments ago: look again before refusing
        if (!(error instanceof JwtVerifyError && error.unknownKey && this.deps.refreshKeys && (await this.deps.refreshKeys()))) throw error;
        ({ claims, kid } = await verifyJwt(this.deps.keys, token, options));
      }
    } catch (error) {
      if (error instanceof JwtVerifyError && error.reason === 'expired') throw resourceErrors.expired();
      throw resourceErrors.invalidToken();
    }
    const subject = readAccessTokenClaims(claims);
    if (!subject) throw resourceErrors.invalidToken();
    const principal: Principal = {
      uid: subject.userId,
      clientId: subject.clientId,
      scopes: subject.scopes,
      jti: subject.jti,
      expiresAt: subject.expiresAt,
      issuedMs: subject.issuedMs,
      claims,
    };
    if (this.verified.size >= CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { principal, nbf: subject.notBefore, kid });
    return principal;
  }
}
