// Random tokens, digests and constant-time comparison: the only way secrets are made,
// stored or compared in Gatehouse.
import { createHash, createHmac, hkdfSync, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

// one CSPRNG call per 8 KiB of tokens instead of one per token (a profile of the code exchange
// showed 4 % of its time in those calls); each byte of the pool is handed out once, then the pool
// is refilled
const pool = Buffer.alloc(8192);
let offset = pool.length;

/** An opaque, URL-safe random token; 32 bytes = 256 bits by default. */
export function randomToken(bytes = 32): string {
  if (bytes > 256) return randomBytes(bytes).toString('base64url');
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return token;
}

/** SHA-256 digest for high-entropy tokens (refresh tokens, codes): a leak of the digest is useless. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Derives a purpose-bound subkey from GATEHOUSE_SECRET, so one secret never serves two uses. */
export function deriveKey(masterSecret: string, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(masterSecret, 'utf8'), Buffer.from('gatehouse'), Buffer.from(purpose), length));
}

/** Keyed digest of a client secret; without the key a stolen digest cannot even be brute-forced offline. */
export function keyedDigest(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
}

/** Constant-time equality of two strings (length is not secret: both are digests of fixed size). */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // same work either way
    return false;
  }
  return timingSafeEqual(x, y);
}
