// WebAuthn passkeys users registered: public keys only. A user manages their own (list, rename,
// remove); an administrator's "reset factors" removes them all (deleteAllForUser).

/** 'singleDevice': bound to one authenticator; 'multiDevice': synced between a person's devices. */
export type PasskeyDeviceType = 'singleDevice' | 'multiDevice';

export interface WebAuthnCredentialRow {
  /** the credential id, base64url */
  id: string;
  userId: number;
  /** the COSE public key, base64url */
  publicKey: string;
  /** the signature counter last seen; 0 for authenticators that keep none */
  counter: number;
  transports: string[];
  deviceType: PasskeyDeviceType;
  backedUp: boolean;
  name: string;
  /** seconds */
  createdAt: number;
  lastUsedAt: number | null;
}

export interface WebAuthnCredentialRepository {
  /** Adds a credential; false (nothing written) when its id is already registered, to anyone. */
  insert(row: WebAuthnCredentialRow): Promise<boolean>;
  get(id: string): Promise<WebAuthnCredentialRow | null>;
  /** a user's credentials, oldest first */
  listByUser(userId: number): Promise<WebAuthnCredentialRow[]>;
  /**
   * Records a verified use: one conditional UPDATE that succeeds only while the stored counter is
   * still `seenCounter` (the one the signature was checked against), so of two assertions racing
   * with the same counter at most one counts. False when another use won.
   */
  recordUse(id: string, seenCounter: number, newCounter: number, backedUp: boolean, at: number): Promise<boolean>;
  /** renames one of the user's credentials; false when the user has no credential with that id */
  rename(userId: number, id: string, name: string): Promise<boolean>;
  /** removes one of the user's credentials; false when the user has no credential with that id */
  delete(userId: number, id: string): Promise<boolean>;
  /** removes every credential of the user (an administrator's reset); returns how many */
  deleteAllForUser(userId: number): Promise<number>;
}
