// Signing keys for access tokens and ID tokens, through their rotation (next → current → retired).

// the key types live with the other plain data in domain/, where crypto/ can see them too
import type { SigningKeyRow } from '../../domain/signing-key.js';

export type { KeyState, KeyUse, SigningKeyRow } from '../../domain/signing-key.js';

export interface SigningKeyRepository {
  list(): Promise<SigningKeyRow[]>;
  insert(key: SigningKeyRow): Promise<void>;
  update(kid: string, patch: Partial<Pick<SigningKeyRow, 'state' | 'activatedAt' | 'retiredAt' | 'publishUntil'>>): Promise<void>;
  /** removes retired keys whose publishUntil has passed; returns how many */
  deleteUnpublished(now: number): Promise<number>;
}
