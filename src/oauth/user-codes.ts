// RFC 8628 user codes: made from the system's random source, kept only as keyed digests. A user
// code has about 35 bits: a plain hash of it could be reversed from a copy of the database by
// trying them all, a digest keyed from GATEHOUSE_SECRET cannot.
import { randomBytes } from 'node:crypto';
import { deriveKey, keyedDigest } from '../crypto/secrets.js';
import { normalizeUserCode, userCodeFrom } from '../domain/user-code.js';

export class UserCodes {
  private readonly key: Buffer;

  constructor(masterSecret: string) {
    this.key = deriveKey(masterSecret, 'device-user-code');
  }

  /** A new canonical user code and its digest. */
  make(): { code: string; digest: string } {
    const bytes = randomBytes(64);
    let i = 0;
    const code = userCodeFrom(() => (i < bytes.length ? bytes[i++]! : randomBytes(1)[0]!));
    return { code, digest: this.digestOf(code) };
  }

  /** The digest of a code as a person typed it (case, dashes and spaces ignored); null if it cannot be one. */
  digestOfTyped(typed: unknown): string | null {
    const code = normalizeUserCode(typed);
    return code === null ? null : this.digestOf(code);
  }

  private digestOf(canonical: string): string {
    return keyedDigest(this.key, canonical);
  }
}
