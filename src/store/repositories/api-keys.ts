// Per-user API keys (table api_keys): found by their public id, never by the key itself.
import type { ApiKey } from '../../domain/api-key.js';

/** A key as stored: its fields and the keyed digest of the whole key. */
export interface ApiKeyRow extends ApiKey {
  digest: string;
}

export interface ApiKeyRepository {
  insert(row: ApiKeyRow): Promise<void>;
  /** the row with this id, digest included (the check), or null */
  get(id: string): Promise<ApiKeyRow | null>;
  /** keys (without digests), newest first; of one user when `userId` is given */
  list(filter: { userId?: number }): Promise<ApiKey[]>;
  /**
   * Sets revoked_at once (a second revoke keeps the first time) and announces a change of the
   * key's user, so every instance drops what it remembers of that user's keys. Null: no such key.
   */
  revoke(id: string, at: number): Promise<ApiKey | null>;
  /** records a use; callers write it at most once a minute per key */
  touch(id: string, at: number): Promise<void>;
}
