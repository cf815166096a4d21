// A software WebAuthn authenticator for HTTP tests: a P-256 key made with node:crypto, and the
// authenticatorData, clientDataJSON, attestation object (format "none") and ES256 signatures
// built by hand as WebAuthn §6.1, §5.8.1 and §6.5 lay them out. Every field can be bent, so tests
// can send what a tampering client or a cloned authenticator would.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
const b64u = (data: Uint8Array): string => Buffer.from(data).toString('base64url');

/** The flags byte of authenticatorData (WebAuthn §6.1). */
const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;

export interface Bend {
  /** the challenge clientDataJSON names (default: the one given) */
  challenge?: string;
  origin?: string;
  rpId?: string;
  type?: string;
  /** the signature counter to claim (default: one more than last time, or 0 for a counterless key) */
  counter?: number;
  userVerified?: boolean;
}

export class SoftAuthenticator {
  readonly id = b64u(randomBytes(32));
  private readonly key: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  /** the last counter used; null: this authenticator keeps no counter (always 0), as synced passkeys do */
  private counter: number | null;

  constructor(
    readonly rp: { id: string; origin: string },
    /** `synced`: backup eligible and backed up (a multi-device passkey); no counter */
    readonly options: { synced?: boolean } = {},
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.publicJwk = { x: jwk.x!, y: jwk.y! };
    this.counter = options.synced ? null : 0;
  }

  get lastCounter(): number {
    return this.counter ?? 0;
  }

  private flags(bend: Bend, extra = 0): number {
    return UP | (bend.userVerified === false ? 0 : UV) | (this.options.synced ? BE | BS : 0) | extra;
  }

  private clientData(type: string, challenge: string, bend: Bend): Buffer {
    return Buffer.from(
      JSON.stringify({ type: bend.type ?? type, challenge: bend.challenge ?? challenge, origin: bend.origin ?? this.rp.origin, crossOrigin: false }),
    );
  }

  private nextCounter(bend: Bend): number {
    if (this.counter === null) return bend.counter ?? 0;
    if (bend.counter !== undefined) {
      // a claimed counter moves the authenticator's own on, as a clone's use would
      this.counter = Math.max(this.counter, bend.counter);
      return bend.counter;
    }
    this.counter += 1;
    return this.counter;
  }

  private counterBytes(counter: number): Buffer {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(counter);
    return bytes;
  }

  /** navigator.credentials.create()'s answer, as @simplewebauthn/browser sends it. */
  attestation(challenge: string, bend: Bend = {}) {
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(this.publicJwk.x, 'base64url')],
        [-3, Buffer.from(this.publicJwk.y, 'base64url')],
      ]),
    );
    const credentialId = Buffer.from(this.id, 'base64url');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([
      sha256(bend.rpId ?? this.rp.id),
      Buffer.from([this.flags(bend, AT)]),
      this.counterBytes(bend.counter ?? this.lastCounter),
      Buffer.alloc(16), // AAGUID: none
      idLength,
      credentialId,
      Buffer.from(cose),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(this.clientData('webauthn.create', challenge, bend)),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get()'s answer, signed with this authenticator's key. */
  assertion(challenge: string, bend: Bend = {}) {
    const authData = Buffer.concat([sha256(bend.rpId ?? this.rp.id), Buffer.from([this.flags(bend)]), this.counterBytes(this.nextCounter(bend))]);
    const clientDataJSON = this.clientData('webauthn.get', challenge, bend);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.key);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(signature), userHandle: b64u(randomBytes(16)) },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
