// Client secrets: generated with 256 bits, stored only as a keyed digest, compared in constant
// time. High-entropy secrets need no slow hash (a slow one would cap the token endpoint).
import { MIN_CLIENT_SECRET_LENGTH } from '../domain/client.js';
import { constantTimeEqual, deriveKey, keyedDigest, randomToken } from './secrets.js';

export class ClientSecrets {
  private readonly key: Buffer;
  /** digest compared against when a client has none, so timing does not tell which case it was */
  private readonly decoy: string;

  constructor(masterSecret: string) {
    this.key = deriveKey(masterSecret, 'client-secret-digest');
    this.decoy = keyedDigest(this.key, randomToken());
  }

  generate(): string {
    return randomToken(32);
  }

  /** null when an administrator-supplied secret is too weak to stand without a slow hash */
  static problem(secret: string): string | null {
    if (secret.length < MIN_CLIENT_SECRET_LENGTH) return `a client secret must be at least ${MIN_CLIENT_SECRET_LENGTH} characters`;
    if (secret.length > 512) return 'a client secret must be at most 512 characters';
    return null;
  }

  digest(secret: string): string {
    return keyedDigest(this.key, secret);
  }

  matches(secret: string, storedDigest: string | null): boolean {
    return constantTimeEqual(this.digest(secret), storedDigest ?? this.decoy) && storedDigest !== null;
  }
}
