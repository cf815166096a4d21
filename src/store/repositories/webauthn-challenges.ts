// Challenges handed out for a WebAuthn ceremony, kept server-side (a client-sent challenge is
// never trusted) under the SHA-256 digest of a random handle the browser holds.

export type WebAuthnChallengePurpose = 'register' | 'login' | 'second_factor';

export interface WebAuthnChallengeRow {
  handleDigest: string;
  purpose: WebAuthnChallengePurpose;
  /** the user the ceremony is for; null for a passwordless login, where the passkey names them */
  userId: number | null;
  /** base64url, as sent to the browser */
  challenge: string;
  /** seconds */
  expiresAt: number;
}

export interface WebAuthnChallengeRepository {
  insert(row: WebAuthnChallengeRow): Promise<void>;
  /**
   * Takes the challenge: one DELETE … RETURNING, so of any number of concurrent takes exactly one
   * gets the row, and only while it is unexpired at `at` (seconds); the others get null.
   */
  take(handleDigest: string, at: number): Promise<WebAuthnChallengeRow | null>;
}
