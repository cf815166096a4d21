// Signing keys: generation, the in-memory key ring every signature and verification uses,
// and the JWKS that publishes the public halves.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { KeyUse, SigningKeyRow } from '../domain/signing-key.js';
import { decryptPrivateKey, encryptPrivateKey } from './key-encryption.js';

export const SIGNING_ALGS = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** ES256 signs ~20× faster than RS256 (access tokens); RS256 is OIDC's mandatory id-token alg. */
export const DEFAULT_ALG: Record<KeyUse, SigningAlg> = { access: 'ES256', id: 'RS256' };

function generatePair(alg: SigningAlg): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
  }
}

/** A new key row in state `state`, its private half sealed with the master secret. */
export async function generateSigningKey(
  alg: SigningAlg,
  use: KeyUse,
  state: SigningKeyRow['state'],
  masterSecret: string,
  nowSeconds: number,
): Promise<SigningKeyRow> {
  const { privateKey, publicKey } = generatePair(alg);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  // RFC 7638 thumbprint: a kid that names the key itself, stable across exports
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return {
    kid,
    alg,
    use,
    state,
    publicJwk: JSON.stringify(jwk),
    privateKeyEncrypted: encryptPrivateKey(pem, masterSecret),
    createdAt: nowSeconds,
    activatedAt: state === 'current' ? nowSeconds : null,
    retiredAt: null,
    publishUntil: null,
  };
}

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
}

export interface VerificationKey {
  kid: string;
  alg: SigningAlg;
  use: KeyUse;
  publicKey: KeyObject;
  jwk: JWK;
}

/**
 * The keys of this instance, held in memory: one current signing key per use, and every
 * published public key by kid. Never reads a key or an alg from a token.
 */
export class KeyRing {
  private signing = new Map<KeyUse, SigningKey>();
  private verification = new Map<string, VerificationKey>();
  private published: JWK[] = [];

  /** Replaces the ring's contents with the given rows (those still published at `nowSeconds`). */
  load(rows: readonly SigningKeyRow[], masterSecret: string, nowSeconds: number): void {
    const signing = new Map<KeyUse, SigningKey>();
    const verification = new Map<string, VerificationKey>();
    const published: JWK[] = [];
    for (const row of rows) {
      if (!isSigningAlg(row.alg)) continue;
      if (row.state === 'retired' && row.publishUntil !== null && row.publishUntil <= nowSeconds) continue;
      const jwk = JSON.parse(row.publicJwk) as JWK;
      const previous = this.verification.get(row.kid);
      const publicKey = previous?.publicKey ?? createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      verification.set(row.kid, { kid: row.kid, alg: row.alg, use: row.use, publicKey, jwk });
      published.push({ ...jwk, kid: row.kid, alg: row.alg, use: 'sig' });
      if (row.state === 'current') {
        const known = this.signing.get(row.use);
        const privateKey = known?.kid === row.kid ? known.privateKey : createPrivateKey(decryptPrivateKey(row.privateKeyEncrypted, masterSecret, row.kid));
        const chosen = signing.get(row.use);
        // two `current` keys can only coexist for an instant during rotation: prefer the newer
        if (!chosen || (rows.find((r) => r.kid === chosen.kid)?.activatedAt ?? 0) <= (row.activatedAt ?? 0)) {
          signing.set(row.use, { kid: row.kid, alg: row.alg, privateKey });
        }
      }
    }
    this.signing = signing;
    this.verification = verification;
    this.published = published;
  }

  signingKey(use: KeyUse): SigningKey {
    const key = this.signing.get(use);
    if (!key) throw new Error(`no current ${use}-token signing key`);
    return key;
  }

  verificationKey(kid: string): VerificationKey | undefined {
    return this.verification.get(kid);
  }

  /** RFC 7517 JWK Set of every published public key. */
  jwks(): { keys: JWK[] } {
    return { keys: this.published };
  }
}
