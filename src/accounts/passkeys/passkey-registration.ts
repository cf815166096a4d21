// Adding a passkey to one's own account (WebAuthn §7.1): options naming the user's passkeys to
// exclude, then the authenticator's answer verified against the challenge issued to this browser
// for this user, this origin and RP ID, with user verification — and stored.
import { generateRegistrationOptions, type PublicKeyCredentialCreationOptionsJSON, verifyRegistrationResponse } from '@simplewebauthn/server';
import { nowSeconds } from '../../clock.js';
import type { User } from '../../domain/user.js';
import type { WebAuthnCredentialRow } from '../../store/store.js';
import { CHALLENGE_TTL, issueChallenge, takeChallenge } from './passkey-challenges.js';
import type { PasskeyDeps } from './passkey-deps.js';
import { PasskeyFailure } from './passkey-failure.js';
import { registrationResponse } from './passkey-response.js';

export async function registrationOptions(deps: PasskeyDeps, user: User): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; handle: string }> {
  const { handle, challenge } = await issueChallenge(deps, 'register', user.uid);
  const existing = await deps.store.webauthnCredentials.listByUser(user.uid);
  const options = await generateRegistrationOptions({
    rpName: deps.rp.name,
    rpID: deps.rp.id,
    userName: user.name,
    userDisplayName: user.name,
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: CHALLENGE_TTL * 1000,
    attestationType: 'none',
    // discoverable, so it can log in without a name; verified, so it is a factor on its own
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
  });
  return { options, handle };
}

/** Verifies the authenticator's answer and stores the passkey under `name` for `user`. */
export async function registerPasskey(deps: PasskeyDeps, user: User, handle: unknown, input: unknown, name: string): Promise<WebAuthnCredentialRow> {
  const expectedChallenge = await takeChallenge(deps, handle, 'register', user.uid);
  const response = registrationResponse(input);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: deps.rp.origin,
      expectedRPID: deps.rp.id,
      requireUserVerification: true,
    });
  } catch (error) {
    throw new PasskeyFailure('rejected', (error as Error).message);
  }
  if (!verified.verified) throw new PasskeyFailure('rejected', 'the registration was not verified');
  const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
  const row: WebAuthnCredentialRow = {
    id: credential.id,
    userId: user.uid,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: (response.response.transports ?? []).slice(0, 10),
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
    name,
    createdAt: nowSeconds(deps.clock),
    lastUsedAt: null,
  };
  if (!(await deps.store.webauthnCredentials.insert(row))) throw new PasskeyFailure('already_registered', 'this passkey is already registered');
  return row;
}
