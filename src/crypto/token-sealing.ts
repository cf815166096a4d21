// Sealing a token that must be handed out again later (a refresh token's successor during its
// reuse interval): AES-256-GCM under a subkey of GATEHOUSE_SECRET, bound to the row it is kept on,
// so a copy of the database alone yields no usable token and a sealed value cannot be moved.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from './secrets.js';

const VERSION = 'v1';

export class TokenSealer {
  private readonly key: Buffer;

  /** `purpose` names the subkey: what is sealed for one purpose cannot be opened for another */
  constructor(masterSecret: string, purpose = 'refresh-successor-sealing') {
    this.key = deriveKey(masterSecret, purpose);
  }

  /** `boundTo` (e.g. the digest of the row that keeps it) must be given again to open it. */
  seal(token: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The token, or null when the value was not sealed for `boundTo` under this secret. */
  open(sealed: string, boundTo: string): string | null {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
