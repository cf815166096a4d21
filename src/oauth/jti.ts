// Token ids that carry their issue time in milliseconds. `iat` has whole-second precision, too
// coarse to tell a token issued just after a user's revocation from one issued just before it;
// the jti, opaque to everyone else, tells our guard exactly.
import { randomFillSync } from 'node:crypto';

const TIME_BYTES = 6;
const RANDOM_BYTES = 10;

// one CSPRNG call per 400 token ids instead of one each: the call, not the bytes, is what costs
const pool = Buffer.alloc(RANDOM_BYTES * 400);
let offset = pool.length;

export function newJti(issuedMs: number): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.allocUnsafe(TIME_BYTES + RANDOM_BYTES);
  bytes.writeUIntBE(Math.floor(issuedMs), 0, TIME_BYTES);
  pool.copy(bytes, TIME_BYTES, offset, offset + RANDOM_BYTES);
  pool.fill(0, offset, offset + RANDOM_BYTES); // a used slice never lingers in memory
  offset += RANDOM_BYTES;
  return bytes.toString('base64url');
}

/** The issue time (ms) a jti of ours carries, or null for any other string. */
export function jtiIssuedAt(jti: string): number | null {
  if (jti.length !== 22) return null;
  const bytes = Buffer.from(jti, 'base64url');
  return bytes.length === TIME_BYTES + 10 ? bytes.readUIntBE(0, TIME_BYTES) : null;
}
