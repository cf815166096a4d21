// Compact JWS signing and verification for Gatehouse's own tokens. Signing is done with
// node:crypto directly (4× faster than a generic JOSE library, and we build every header
// ourselves); verification goes through jose, with the key chosen by our key ring and the alg
// pinned to that key's — never taken from the token.
import { sign as cryptoSign } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTHeaderParameters } from 'jose';
import type { KeyUse } from '../domain/signing-key.js';
import type { KeyRing, SigningAlg, SigningKey } from './keys.js';
import { SigningThreads } from './signing-threads.js';

export type JwtClaims = JWTPayload & Record<string, unknown>;

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const threads = new SigningThreads();

/**
 * ES256 and EdDSA sign on the signing threads (signing-threads.ts), a turn's signatures in one
 * batch. RS256 signs in libuv's pool, one job per signature: at ~250 µs each the hand-over is
 * small beside the signature, and the pool spreads a turn's signatures over every core where a
 * batch would sit on one thread. Should every signing thread have failed, all go to the pool.
 */
function signatureOf(alg: SigningAlg, key: SigningKey, input: Buffer): Promise<Buffer> {
  return (alg !== 'RS256' && threads.sign(key.privateKey, alg, input)) || signatureInPool(alg, key, input);
}

function signatureInPool(alg: SigningAlg, key: SigningKey, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, signature: Buffer): void => (error ? reject(error) : resolve(signature));
    switch (alg) {
      case 'ES256':
        return cryptoSign('sha256', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }, done);
      case 'RS256':
        return cryptoSign('sha256', input, key.privateKey, done);
      case 'EdDSA':
        return cryptoSign(null, input, key.privateKey, done);
    }
  });
}

// the encoded header depends only on key and typ: encode it once
const headers = new WeakMap<SigningKey, Map<string, string>>();

function encodedHeader(key: SigningKey, typ: string): string {
  let byTyp = headers.get(key);
  if (!byTyp) {
    byTyp = new Map();
    headers.set(key, byTyp);
  }
  let header = byTyp.get(typ);
  if (header === undefined) {
    header = b64json({ alg: key.alg, typ, kid: key.kid });
    byTyp.set(typ, header);
  }
  return header;
}

export async function signJwt(key: SigningKey, typ: string, claims: JwtClaims): Promise<string> {
  const head = `${encodedHeader(key, typ)}.${b64json(claims)}`;
  return `${head}.${(await signatureOf(key.alg, key, Buffer.from(head, 'ascii'))).toString('base64url')}`;
}

export type JwtVerifyFailure = 'expired' | 'invalid';

export class JwtVerifyError extends Error {
  constructor(
    readonly reason: JwtVerifyFailure,
    /** the header named a key this ring does not hold (perhaps one another instance just made) */
    readonly unknownKey = false,
  ) {
    super(reason === 'expired' ? 'token expired' : 'token invalid');
  }
}

export interface VerifyOptions {
  typ: string;
  /** which kind of key may have signed it: an id-token key never verifies an access token */
  keyUse: KeyUse;
  issuer: string;
  /** the audience, or any of several */
  audience?: string | string[];
  /** seconds since the epoch */
  now: number;
  /** tolerated clock skew in seconds for nbf (never for exp) */
  skew?: number;
  /** accept an expired token (an id_token_hint at logout names the user, it grants nothing) */
  allowExpired?: boolean;
}

/**
 * Verifies a compact JWS against the ring. The kid must name a published key, the header alg
 * must equal that key's alg; `none`, HMAC algs, foreign and unknown keys are refused.
 */
export async function verifyJwt(ring: KeyRing, token: string, options: VerifyOptions): Promise<{ claims: JwtClaims; kid: string }> {
  let kid = '';
  try {
    const { payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        const key = typeof header.kid === 'string' ? ring.verificationKey(header.kid) : undefined;
        if (!key) throw new JwtVerifyError('invalid', typeof header.kid === 'string');
        if (key.use !== options.keyUse || header.alg !== key.alg) throw new JwtVerifyError('invalid');
        kid = key.kid;
        return key.publicKey;
      },
      {
        algorithms: ['ES256', 'RS256', 'EdDSA'],
        typ: options.typ,
        issuer: options.issuer,
        audience: options.audience,
        currentDate: new Date(options.now * 1000),
        clockTolerance: options.allowExpired ? Number.MAX_SAFE_INTEGER : 0,
        requiredClaims: ['exp', 'iat', 'sub'],
      },
    );
    const skew = options.skew ?? 0;
    if (typeof payload.exp !== 'number' || (!options.allowExpired && payload.exp <= options.now)) throw new JwtVerifyError('expired');
    if (typeof payload.nbf === 'number' && payload.nbf > options.now + skew) throw new JwtVerifyError('invalid');
    return { claims: payload as JwtClaims, kid };
  } catch (error) {
    if (error instanceof JwtVerifyError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new JwtVerifyError('expired');
    throw new JwtVerifyError('invalid');
  }
}
