// A signing key as it is kept: which tokens it signs, where it is in its rotation, its public half
// and its sealed private half. Plain data, shared by the store that keeps keys and the crypto
// that uses them.

export type KeyUse = 'access' | 'id';
export type KeyState = 'next' | 'current' | 'retired';

export interface SigningKeyRow {
  kid: string;
  alg: string;
  /** which tokens it signs: access tokens or id tokens */
  use: KeyUse;
  state: KeyState;
  publicJwk: string;
  /** private key, encrypted with GATEHOUSE_SECRET */
  privateKeyEncrypted: string;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  /** after this time the public key leaves the JWKS (every token it signed has expired) */
  publishUntil: number | null;
}
