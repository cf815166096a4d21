// API keys (src/domain/api-key.ts): made with 256 random bits, stored only as a keyed digest of
// the whole key under a subkey of GATEHOUSE_SECRET, compared in constant time. High-entropy keys
// need no slow hash (one would cap every API-key request at the hash rate).
import { randomInt } from 'node:crypto';
import { API_KEY_ID_LENGTH, API_KEY_PREFIX } from '../domain/api-key.js';
import { constantTimeEqual, deriveKey, keyedDigest, randomToken } from './secrets.js';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export class ApiKeySecrets {
  private readonly key: Buffer;
  /** compared against when no row has the id, so timing does not tell an unknown id from a wrong secret */
  private readonly decoy: string;

  constructor(masterSecret: string) {
    this.key = deriveKey(masterSecret, 'api-key-digest');
    this.decoy = keyedDigest(this.key, randomToken());
  }

  /** A new key and its id: `ghk_<12 of [a-z0-9]>_<32 random bytes, base64url>`. */
  generate(): { id: string; key: string } {
    let id = '';
    for (let i = 0; i < API_KEY_ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
    return { id, key: `${API_KEY_PREFIX}${id}_${randomToken(32)}` };
  }

  digest(key: string): string {
    return keyedDigest(this.key, key);
  }

  /** `digest` is this.digest(the presented key), computed once by the caller. */
  matches(digest: string, storedDigest: string | null): boolean {
    return constantTimeEqual(digest, storedDigest ?? this.decoy) && storedDigest !== null;
  }
}
