// Signing keys for access tokens and ID tokens, through their rotation (next → current → retired).

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

export interface SigningKeyRepository {
  list(): Promise<SigningKeyRow[]>;
  insert(key: SigningKeyRow): Promise<void>;
  update(kid: string, patch: Partial<Pick<SigningKeyRow, 'state' | 'activatedAt' | 'retiredAt' | 'publishUntil'>>): Promise<void>;
  /** removes retired keys whose publishUntil has passed; returns how many */
  deleteUnpublished(now: number): Promise<number>;
}
