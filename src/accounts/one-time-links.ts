// The links mailed to users. Password reset: Drupal's user_pass_rehash — an HMAC over the
// timestamp, the last login, the uid and the mail, keyed with the site's key and the password
// hash — so nothing is stored and the link dies by itself with any login or password change.
// Mail verification: a random token of which only a keyed digest is stored (user_tokens).
import { createHmac } from 'node:crypto';
import { constantTimeEqual, deriveKey, keyedDigest, randomToken } from '../crypto/secrets.js';
import type { User } from '../domain/user.js';

/** Seconds a reset link lasts (Drupal's user.settings password_reset_timeout). */
export const RESET_LINK_TTL = 86_400;
/** Seconds a verification link lasts. */
export const VERIFY_LINK_TTL = 86_400;

export type ResetLinkCheck = 'valid' | 'expired' | 'invalid';

export class OneTimeLinks {
  private readonly resetKey: Buffer;
  private readonly tokenKey: Buffer;

  constructor(
    masterSecret: string,
    private readonly issuer: string,
  ) {
    this.resetKey = deriveKey(masterSecret, 'password-reset-links');
    this.tokenKey = deriveKey(masterSecret, 'user-tokens');
  }

  /** user_pass_rehash($account, $timestamp). */
  resetHash(user: User, timestamp: number): string {
    const data = `${timestamp}${user.login}${user.uid}${user.mail ?? ''}`;
    const key = Buffer.concat([this.resetKey, Buffer.from(user.passHash ?? '', 'utf8')]);
    return createHmac('sha256', key).update(data, 'utf8').digest('base64url');
  }

  resetUrl(user: User, timestamp: number): string {
    return `${this.issuer}/user/reset/${user.uid}/${timestamp}/${this.resetHash(user, timestamp)}`;
  }

  /**
   * As Drupal's resetPass: not from the future, not older than a day, not older than the last
   * login, and the hash of the account as it is now.
   */
  checkReset(user: User, timestamp: number, hash: string, now: number): ResetLinkCheck {
    if (timestamp > now || timestamp < user.login) return 'invalid';
    if (!constantTimeEqual(this.resetHash(user, timestamp), hash)) return 'invalid';
    if (now - timestamp >= RESET_LINK_TTL) return 'expired';
    return 'valid';
  }

  /** A new verification token and the digest to store. */
  newToken(): { token: string; digest: string } {
    const token = randomToken(32);
    return { token, digest: this.tokenDigest(token) };
  }

  tokenDigest(token: string): string {
    return keyedDigest(this.tokenKey, token);
  }

  verifyUrl(token: string): string {
    return `${this.issuer}/user/verify/${token}`;
  }

  /** The link that confirms a new e-mail address (account page). */
  mailChangeUrl(token: string): string {
    return `${this.issuer}/user/mail-change/${token}`;
  }
}
