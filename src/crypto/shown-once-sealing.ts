// Sealing a secret the console shows once after a redirect (issue 13 part 8): AES-256-GCM under a
// key made from a subkey of GATEHOUSE_SECRET and the login session's cookie — which the database
// holds only a digest of — so a copy of the database, even with GATEHOUSE_SECRET, opens nothing,
// and only the browser that made the secret can read it. The row's digest is the associated data.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { deriveKey } from './secrets.js';

const VERSION = 'v1';

export class ShownOnceSealer {
  private readonly key: Buffer;

  constructor(masterSecret: string) {
    this.key = deriveKey(masterSecret, 'shown-once-sealing');
  }

  private sessionKey(sessionCookie: string): Buffer {
    return createHmac('sha256', this.key).update(sessionCookie, 'utf8').digest();
  }

  seal(plain: string, sessionCookie: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sessionKey(sessionCookie), iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The plain text, or null when not sealed for this session cookie and row under this secret. */
  open(sealed: string, sessionCookie: string, boundTo: string): string | null {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sessionKey(sessionCookie), Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
