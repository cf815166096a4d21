// Recovery codes: ten random codes shown once at enrolment, stored only as keyed digests (HMAC
// under a subkey of GATEHOUSE_SECRET), each usable once in place of a TOTP code. 50 random bits
// each, in two groups of five characters from an alphabet without look-alikes.
import { randomInt } from 'node:crypto';
import { deriveKey, keyedDigest } from '../../crypto/secrets.js';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32 minus nothing: no I, L, O, U, so a code read aloud or copied by hand survives */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 10;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let code = '';
    for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** A typed code as stored: case, spaces and dashes ignored, look-alikes read as Crockford does; null when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input
    .toLowerCase()
    .replace(/[\s-]+/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
  if (code.length !== LENGTH || ![...code].every((c) => ALPHABET.includes(c))) return null;
  return code;
}

export class RecoveryCodeDigests {
  private readonly key: Buffer;
  constructor(masterSecret: string) {
    this.key = deriveKey(masterSecret, 'recovery-codes');
  }
  /** the digest of a normalized code, bound to its user: a digest cannot be moved to another account */
  digest(userId: number, normalized: string): string {
    return keyedDigest(this.key, `${userId}:${normalized}`);
  }
}
