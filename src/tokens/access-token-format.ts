// The access token's format (RFC 9068, docs/compatibility.md §5), in one place for the token
// service that writes it and the bearer guard that reads it: the header `typ`, the claims, and
// our `jti`, which carries the issue time in milliseconds.
import { randomFillSync } from 'node:crypto';

/** RFC 9068 §2.1: the header type resource servers pin. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** What an access token says, in Gatehouse's terms. */
export interface AccessTokenFields {
  issuer: string;
  audience: string;
  userId: number;
  clientId: string;
  scopes: readonly string[];
  jti: string;
  /** seconds */
  issuedAt: number;
  /** seconds */
  expiresAt: number;
  /** seconds; when the user authenticated, if known (authorization code) */
  authTime?: number;
  /** custom claims (issue 14's mappings); never overriding the ones below */
  extra?: Record<string, unknown>;
}

/** The claims of an access token (RFC 9068 §2.2): `sub` the user id, `scope` space-separated. */
export function accessTokenClaims(fields: AccessTokenFields): Record<string, unknown> {
  return {
    ...fields.extra,
    iss: fields.issuer,
    sub: String(fields.userId),
    aud: fields.audience,
    client_id: fields.clientId,
    iat: fields.issuedAt,
    nbf: fields.issuedAt,
    exp: fields.expiresAt,
    jti: fields.jti,
    scope: fields.scopes.join(' '),
    ...(fields.authTime !== undefined ? { auth_time: fields.authTime } : {}),
  };
}

/** What the guard needs from a verified token's claims. */
export interface AccessTokenSubject {
  userId: number;
  clientId: string;
  scopes: string[];
  jti: string;
  /** seconds */
  expiresAt: number;
  /** seconds; 0 when absent */
  notBefore: number;
  /** ms: from our jti, else from iat */
  issuedMs: number;
}

const USER_ID = /^[1-9][0-9]{0,14}$/;

/**
 * Reads claims whose signature, issuer, audience and expiry are already verified; null when
 * they are not shaped as our access tokens are (so not ours, whatever signed them).
 */
export function readAccessTokenClaims(claims: Record<string, unknown>): AccessTokenSubject | null {
  const { sub, jti, client_id: clientId, scope, exp, iat, nbf } = claims;
  if (typeof sub !== 'string' || !USER_ID.test(sub)) return null;
  if (typeof jti !== 'string' || typeof clientId !== 'string' || typeof scope !== 'string' || typeof exp !== 'number') return null;
  return {
    userId: Number(sub),
    clientId,
    scopes: scope === '' ? [] : scope.split(' '),
    jti,
    expiresAt: exp,
    notBefore: typeof nbf === 'number' ? nbf : 0,
    issuedMs: jtiIssuedAt(jti) ?? (typeof iat === 'number' ? iat * 1000 : 0),
  };
}

// Token ids that carry their issue time in milliseconds. `iat` has whole-second precision, too
// coarse to tell a token issued just after a user's revocation from one issued just before it;
// the jti, opaque to everyone else, tells our guard exactly.
const TIME_BYTES = 6;
const RANDOM_BYTES = 10;
/** 16 bytes in base64url */
const JTI_LENGTH = 22;

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
  if (jti.length !== JTI_LENGTH) return null;
  const bytes = Buffer.from(jti, 'base64url');
  return bytes.length === TIME_BYTES + RANDOM_BYTES ? bytes.readUIntBE(0, TIME_BYTES) : null;
}
