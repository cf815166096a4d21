// Authorization codes (RFC 6749 §4.1.2), kept by digest until they expire.
import type { ClaimsRequest } from '../../domain/claims-request.js';
import type { RefreshTokenRow } from './refresh-tokens.js';

/** An authorization code (RFC 6749 §4.1.2), bound to everything the token request must repeat. */
export interface AuthorizationCodeRow {
  digest: string;
  clientId: string;
  userId: number;
  redirectUri: string;
  /** whether the authorization request named the redirect URI (then the token request must too) */
  redirectUriGiven: boolean;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
  authTime: number;
  issuedAt: number;
  /** ms: compared with revocations (also ms), so a revocation in the same second still voids the code */
  issuedMs: number;
  expiresAt: number;
  usedAt: number | null;
  /** what the exchange issued, so a replay can revoke it */
  familyId: string | null;
  accessJti: string | null;
  accessExpiresAt: number | null;
  /** the `claims` request parameter (OIDC Core §5.5), when one was sent */
  claims?: ClaimsRequest | null;
  /** the resource indicator (RFC 8707) the code was granted for, when one was asked for */
  resource?: string | null;
  /** RFC 8176 methods of the login that authorized it (the ID token's amr); null for codes older than migration 016 */
  amr?: string[] | null;
}

export interface AuthorizationCodeRepository {
  insert(row: AuthorizationCodeRow): Promise<void>;
  findByDigest(digest: string): Promise<AuthorizationCodeRow | null>;
  /**
   * Marks the code used, with what its exchange issues (so a replay can revoke it), only if it
   * was unused; true when this call used it.
   */
  spend(digest: string, at: number, issued: { familyId: string | null; accessJti: string; accessExpiresAt: number }): Promise<boolean>;
  /**
   * An exchange: spends the code as spend() does and, only if this call spent it, records the
   * refresh token it issued (if any) — both or neither, committed when it resolves. PostgreSQL:
   * one statement (one round trip); SQLite: two, in the caller's transaction or in a commit
   * shared with concurrent exchanges and rotations.
   */
  exchange(
    digest: string,
    at: number,
    issued: { familyId: string | null; accessJti: string; accessExpiresAt: number },
    refresh: RefreshTokenRow | null,
  ): Promise<boolean>;
  /**
   * Deletes the user's codes not yet exchanged (all clients, or one), so none outlives a password
   * change or a revocation; used codes stay for replay detection. Returns how many.
   */
  voidUnused(userId: number, clientId?: string): Promise<number>;
}
