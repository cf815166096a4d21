// Private keys at rest: AES-256-GCM under a subkey of GATEHOUSE_SECRET, so a copy of the
// database alone cannot sign tokens.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from './secrets.js';

const VERSION = 'v1';

export function encryptPrivateKey(pem: string, masterSecret: string): string {
  const key = deriveKey(masterSecret, 'private-key-encryption');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export class KeyDecryptionError extends Error {
  constructor(kid: string) {
    super(`cannot decrypt signing key ${kid}: GATEHOUSE_SECRET differs from the one the key was stored with`);
  }
}

export function decryptPrivateKey(sealed: string, masterSecret: string, kid: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !body) throw new KeyDecryptionError(kid);
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(masterSecret, 'private-key-encryption'), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyDecryptionError(kid);
  }
}
