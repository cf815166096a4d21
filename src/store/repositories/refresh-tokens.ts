// Refresh tokens, kept by digest, in families that rotate (OAuth 2.1 §4.3.1) and are revoked
// as a whole on reuse (RFC 9700 §4.14.2).

export interface RefreshTokenRow {
  /** SHA-256 digest of the opaque token; the token itself is never stored */
  digest: string;
  familyId: string;
  clientId: string;
  userId: number;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  /** the access token issued together with this refresh token, so a family revocation can kill it */
  accessJti: string;
  accessExpiresAt: number;
  spentAt: number | null;
  revokedAt: number | null;
  /** seconds: when the family's first token was issued (the family's absolute lifetime runs from here) */
  familyStartedAt: number;
  /**
   * A spent token's successor, sealed (AES-GCM) so it can be handed out again within the
   * client's reuse interval; erased (null) once `reuseUntil` (seconds) has passed.
   */
  successorSealed: string | null;
  reuseUntil: number | null;
  /** the resource indicator (RFC 8707) the family was granted for; its access tokens' `aud` */
  resource?: string | null;
}

/** An access token issued again with a successor during a reuse interval, kept so the family's revocation reaches it. */
export interface ReissuedAccessToken {
  jti: string;
  familyId: string;
  /** seconds */
  expiresAt: number;
}

export interface RefreshTokenRepository {
  insert(row: RefreshTokenRow): Promise<void>;
  findByDigest(digest: string): Promise<RefreshTokenRow | null>;
  /**
   * Marks the token spent only if it is neither spent nor revoked, keeping its sealed successor
   * when given (reuse interval); true when this call spent it.
   */
  spend(digest: string, at: number, successor?: { sealed: string; until: number }): Promise<boolean>;
  /**
   * A rotation: spends `digest` as spend() does and, only if this call spent it, inserts `next`
   * — both or neither, committed when it resolves. PostgreSQL: one statement (one round trip);
   * SQLite: two, in the caller's transaction or in a commit shared with concurrent rotations.
   */
  rotate(digest: string, at: number, successor: { sealed: string; until: number } | undefined, next: RefreshTokenRow): Promise<boolean>;
  /**
   * Records an access token issued again with the successor `successorDigest`, only while that
   * successor is neither spent nor revoked; true when recorded. The check locks the successor's
   * row, so a family revocation either waits for this and then sees the access token, or comes
   * first and this refuses.
   */
  recordReissue(successorDigest: string, access: ReissuedAccessToken): Promise<boolean>;
  /** revokes every token of the family; returns the family's rows (to revoke their access tokens) */
  revokeFamily(familyId: string, at: number): Promise<RefreshTokenRow[]>;
  /** the access tokens issued again within the family's reuse intervals */
  reissuedAccessTokens(familyId: string): Promise<ReissuedAccessToken[]>;
  revokeByUser(userId: number, at: number): Promise<number>;
  revokeByClient(clientId: string, at: number): Promise<number>;
  revokeByUserAndClient(userId: number, clientId: string, at: number): Promise<number>;
  /** the live token of each active grant (family) of a user or a client, newest first */
  active(owner: { userId: number } | { clientId: string }, now: number): Promise<RefreshTokenRow[]>;
}
