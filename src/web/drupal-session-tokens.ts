// The per-session tokens Drupal's JSON login hands out (CsrfTokenGenerator::get): `csrf_token`
// (value 'rest') and `logout_token` (value 'user/logout'), each an HMAC of the value and the
// session, so they are valid for that session only and die with it. Here the session is named by
// the stored digest of its cookie, and the key is derived from GATEHOUSE_SECRET.
import { constantTimeEqual, deriveKey, keyedDigest } from '../crypto/secrets.js';

export type DrupalTokenValue = 'rest' | 'user/logout';

export class DrupalSessionTokens {
  private readonly key: Buffer;

  constructor(masterSecret: string) {
    this.key = deriveKey(masterSecret, 'drupal-session-tokens');
  }

  token(value: DrupalTokenValue, sessionDigest: string): string {
    return keyedDigest(this.key, `${value}\u0000${sessionDigest}`);
  }

  verify(value: DrupalTokenValue, sessionDigest: string, submitted: string): boolean {
    return constantTimeEqual(this.token(value, sessionDigest), submitted);
  }
}
