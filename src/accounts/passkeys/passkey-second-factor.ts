// A passkey as the second factor of a user who already gave their password: only that user's
// passkeys are offered (allowCredentials), and one of another user's is refused, however valid
// its signature. User presence suffices here; the password was the first factor.
//
// For the second-factor login step: secondFactorOptions() issues a challenge the caller keeps in
// its server-side pending state (or the handle, with verifySecondFactor()); verifyPasskeyForUser()
// checks the answer against it.
import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { randomToken } from '../../crypto/secrets.js';
import { type CheckedAssertion, checkAssertion } from './passkey-assertion.js';
import { CHALLENGE_TTL, issueChallenge, takeChallenge } from './passkey-challenges.js';
import type { PasskeyDeps } from './passkey-deps.js';

/** Whether the user has a passkey to offer as a second factor. */
export async function hasPasskeys(deps: PasskeyDeps, userId: number): Promise<boolean> {
  return (await deps.store.webauthnCredentials.listByUser(userId)).length > 0;
}

async function optionsWith(deps: PasskeyDeps, userId: number, challenge: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const mine = await deps.store.webauthnCredentials.listByUser(userId);
  return generateAuthenticationOptions({
    rpID: deps.rp.id,
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: CHALLENGE_TTL * 1000,
    allowCredentials: mine.map((c) => ({ id: c.id, transports: c.transports })),
    userVerification: 'preferred',
  });
}

/**
 * Options for a second-factor assertion, with a fresh challenge the caller must keep server-side
 * (its pending login state) and pass to verifyPasskeyForUser(), once.
 */
export async function secondFactorChallenge(deps: PasskeyDeps, userId: number): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challenge: string }> {
  const challenge = randomToken(32);
  return { options: await optionsWith(deps, userId, challenge), challenge };
}

/**
 * The same, with the challenge kept in the challenge table under a handle the caller holds, bound
 * to `boundTo` (the pending login's digest) when given: only that state can spend it.
 */
export async function secondFactorOptions(
  deps: PasskeyDeps,
  userId: number,
  boundTo?: string,
): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; handle: string }> {
  const { handle, challenge } = await issueChallenge(deps, 'second_factor', userId, boundTo);
  return { options: await optionsWith(deps, userId, challenge), handle };
}

/**
 * Checks a passkey assertion as `userId`'s second factor against the challenge the server issued
 * (never one the client sends). Throws PasskeyFailure: `other_user` for another user's passkey,
 * `unknown_credential`, `rejected`, `replayed`, `malformed`.
 */
export function verifyPasskeyForUser(deps: PasskeyDeps, userId: number, input: unknown, expectedChallenge: string): Promise<CheckedAssertion> {
  return checkAssertion(deps, input, { challenge: expectedChallenge, userId, requireUserVerification: false });
}

/** verifyPasskeyForUser() with the challenge taken (once) from the table by its handle (and bound state). */
export async function verifySecondFactor(deps: PasskeyDeps, userId: number, handle: unknown, input: unknown, boundTo?: string): Promise<CheckedAssertion> {
  const challenge = await takeChallenge(deps, handle, 'second_factor', userId, boundTo);
  return verifyPasskeyForUser(deps, userId, input, challenge);
}
