// Checking one assertion (WebAuthn §7.2) against a stored passkey: the passkey named by the
// response, the owner when one is expected, the signature over this challenge, origin and RP ID,
// then the signature counter — compared here, after the signature, so a refused counter always
// means a validly signed but stale assertion — and the use recorded against the counter seen.
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { nowSeconds } from '../../clock.js';
import type { WebAuthnCredentialRow } from '../../store/store.js';
import { amrOf, type PasskeyAmr } from './passkey-amr.js';
import type { PasskeyDeps } from './passkey-deps.js';
import { PasskeyFailure } from './passkey-failure.js';
import { authenticationResponse } from './passkey-response.js';

export interface CheckedAssertion {
  credential: WebAuthnCredentialRow;
  /** what the id token's `amr` says of this use */
  amr: PasskeyAmr;
  userVerified: boolean;
}

export interface AssertionExpectations {
  challenge: string;
  /** the user the passkey must belong to (second factor); null when the passkey names the user */
  userId: number | null;
  /** whether the authenticator must have verified the user (PIN, biometrics) */
  requireUserVerification: boolean;
}

export async function checkAssertion(deps: PasskeyDeps, input: unknown, expected: AssertionExpectations): Promise<CheckedAssertion> {
  const response = authenticationResponse(input);
  const credential = await deps.store.webauthnCredentials.get(response.id);
  if (!credential) throw new PasskeyFailure('unknown_credential', 'no passkey with this id is registered');
  if (expected.userId !== null && credential.userId !== expected.userId) throw new PasskeyFailure('other_user', 'the passkey belongs to another user');
  let info: Awaited<ReturnType<typeof verifyAuthenticationResponse>>['authenticationInfo'];
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: expected.challenge,
      expectedOrigin: deps.rp.origin,
      expectedRPID: deps.rp.id,
      // the counter is compared below, once the signature is known good
      credential: { id: credential.id, publicKey: Buffer.from(credential.publicKey, 'base64url'), counter: 0, transports: credential.transports },
      requireUserVerification: expected.requireUserVerification,
    });
    if (!verified.verified) throw new Error('the signature does not verify');
    info = verified.authenticationInfo;
  } catch (error) {
    throw new PasskeyFailure('rejected', (error as Error).message);
  }
  // WebAuthn §7.2 step 22: a counter that does not grow (unless both are 0: no counter kept)
  if ((info.newCounter > 0 || credential.counter > 0) && info.newCounter <= credential.counter)
    throw new PasskeyFailure('replayed', `signature counter ${info.newCounter} is not above ${credential.counter}`);
  if (!(await deps.store.webauthnCredentials.recordUse(credential.id, credential.counter, info.newCounter, info.credentialBackedUp, nowSeconds(deps.clock))))
    throw new PasskeyFailure('replayed', 'another use of this passkey counted first');
  return { credential: { ...credential, counter: info.newCounter }, amr: amrOf(credential.deviceType), userVerified: info.userVerified };
}
