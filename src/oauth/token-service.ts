// The one place tokens are made, whichever endpoint asked: RFC 9068 JWT access tokens and
// opaque refresh tokens stored only as digests, in rotating families.
import type { Clock } from '../clock.js';
import type { KeyRing } from '../crypto/keys.js';
import { signJwt } from '../crypto/jwt.js';
import { randomToken, tokenDigest } from '../crypto/secrets.js';
import type { AccessCatalog } from '../domain/access.js';
import { mappedClaims } from '../domain/claim-mapping.js';
import type { Client } from '../domain/client.js';
import { scopesFor, type Resource } from '../domain/resource.js';
import type { User } from '../domain/user.js';
import type { RefreshTokenRow, Repositories } from '../store/store.js';
import { ACCESS_TOKEN_TYP, accessTokenClaims, newJti } from '../tokens/access-token-format.js';

export interface TokenGrant {
  client: Client;
  userId: number;
  scopes: string[];
  /** issue a refresh token alongside the access token */
  refresh: boolean;
  /** the family a rotated refresh token continues; a new family when absent */
  familyId?: string;
  /** seconds: when that family started (its absolute lifetime runs from here); now for a new family */
  familyStartedAt?: number;
  /** seconds; when the user authenticated, if known (authorization code) */
  authTime?: number;
  /** the user, when the grant has it at hand: the scopes' custom claims are read from it */
  user?: User;
  /** RFC 8707: the resource the token is for; `aud` becomes its URI and the scopes those it accepts */
  resource?: Resource | null;
}

export interface IssuedTokens {
  accessToken: string;
  jti: string;
  expiresIn: number;
  /** seconds */
  expiresAt: number;
  refreshToken?: string;
  familyId?: string;
  /** OIDC: when `openid` was granted through the authorization code */
  idToken?: string;
  scopes: string[];
  userId: number;
}

export interface TokenServiceDeps {
  keys: KeyRing;
  clock: Clock;
  issuer: string;
  audience: string;
  /** the custom claim mappings (the access catalog holds them) */
  catalog?: Pick<AccessCatalog, 'claimMappings'>;
}

export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  /**
   * Makes the tokens — signing happens here, outside any transaction, so no database connection
   * waits on a signature — and returns them with the one write that records them.
   */
  async prepare(grant: TokenGrant): Promise<PreparedTokens> {
    const { keys, clock, issuer } = this.deps;
    const audience = grant.resource?.uri ?? this.deps.audience;
    if (grant.resource) grant = { ...grant, scopes: scopesFor(grant.resource, grant.scopes) };
    const issuedMs = clock.now();
    const now = Math.floor(issuedMs / 1000);
    const clientId = grant.client.clientId;
    const expiresIn = grant.client.accessTokenExpiration;
    const jti = newJti(issuedMs);
    const accessToken = await signJwt(
      keys.signingKey('access'),
      ACCESS_TOKEN_TYP,
      accessTokenClaims({
        issuer,
        audience,
        userId: grant.userId,
        clientId,
        scopes: grant.scopes,
        jti,
        issuedAt: now,
        expiresAt: now + expiresIn,
        authTime: grant.authTime,
        extra: this.customClaims(grant),
      }),
    );
    const issued: IssuedTokens = { accessToken, jti, expiresIn, expiresAt: now + expiresIn, scopes: grant.scopes, userId: grant.userId };
    if (!grant.refresh) return { issued, refresh: null, persist: async () => undefined };
    const refreshToken = randomToken(32);
    const familyId = grant.familyId ?? randomToken(16);
    const familyStartedAt = grant.familyStartedAt ?? now;
    // no token of a family outlives the family
    const expiresAt = Math.min(now + grant.client.refreshTokenExpiration, familyStartedAt + grant.client.refreshFamilyLifetime);
    issued.refreshToken = refreshToken;
    issued.familyId = familyId;
    const refresh: RefreshTokenRow = {
      digest: tokenDigest(refreshToken),
      familyId,
      clientId,
      userId: grant.userId,
      scopes: grant.scopes,
      issuedAt: now,
      expiresAt,
      accessJti: jti,
      accessExpiresAt: now + expiresIn,
      spentAt: null,
      revokedAt: null,
      familyStartedAt,
      successorSealed: null,
      reuseUntil: null,
      resource: grant.resource?.uri ?? null,
    };
    return { issued, refresh, persist: (store) => store.refreshTokens.insert(refresh) };
  }

  /** The custom claims of the granted scopes (issue 14), read from the user. */
  private customClaims(grant: TokenGrant): Record<string, unknown> | undefined {
    const mappings = this.deps.catalog?.claimMappings;
    if (!grant.user || !mappings?.size) return undefined;
    return mappedClaims(mappings.values(), grant.user, grant.scopes, 'accessToken');
  }

  /** Makes the tokens and records the refresh token in `store`. */
  async issue(store: Pick<Repositories, 'refreshTokens'>, grant: TokenGrant): Promise<IssuedTokens> {
    const prepared = await this.prepare(grant);
    await prepared.persist(store);
    return prepared.issued;
  }
}

export interface PreparedTokens {
  issued: IssuedTokens;
  /** the refresh token's row, to record (persist, or a repository's rotate/exchange); null when none was issued */
  refresh: RefreshTokenRow | null;
  /** records the refresh token, if any, in the given store (a transaction's, say) */
  persist(store: Pick<Repositories, 'refreshTokens'>): Promise<void>;
}
