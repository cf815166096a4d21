// Token ids that carry their issue time in milliseconds. `iat` has whole-second precision, too
// coarse to tell a token issued just after a user's revocation from one issued just before it;
// the jti, opaque to everyone else, tells our guard exactly.
import { randomBytes } from 'node:crypto';

const TIME_BYTES = 6;

export function newJti(issuedMs: number): string {
  const bytes = randomBytes(TIME_BYTES + 10);
  bytes.writeUIntBE(Math.floor(issuedMs), 0, TIME_BYTES);
  return bytes.toString('base64url');
}

/** The issue time (ms) a jti of ours carries, or null for any other string. */
export function jtiIssuedAt(jti: string): number | null {
  if (jti.length !== 22) return null;
  const bytes = Buffer.from(jti, 'base64url');
  return bytes.length === TIME_BYTES + 10 ? bytes.readUIntBE(0, TIME_BYTES) : null;
}
