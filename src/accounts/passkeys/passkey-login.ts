// Passwordless login with a passkey: discoverable credentials (an empty allowCredentials, so the
// authenticator offers the passkeys it holds for this site), user verification required — the
// passkey is both factors — and the account it belongs to, if active, is the one logged in.
import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { User } from '../../domain/user.js';
import type { CheckedAssertion } from './passkey-assertion.js';
import { checkAssertion } from './passkey-assertion.js';
import { CHALLENGE_TTL, issueChallenge, takeChallenge } from './passkey-challenges.js';
import type { PasskeyDeps } from './passkey-deps.js';
import { PasskeyFailure } from './passkey-failure.js';

export async function loginOptions(deps: PasskeyDeps): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; handle: string }> {
  const { handle, challenge } = await issueChallenge(deps, 'login', null);
  const options = await generateAuthenticationOptions({
    rpID: deps.rp.id,
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: CHALLENGE_TTL * 1000,
    allowCredentials: [],
    userVerification: 'required',
  });
  return { options, handle };
}

/** The user a passkey logs in, given the browser's handle of the login challenge. */
export async function verifyPasskeyLogin(deps: PasskeyDeps, handle: unknown, input: unknown): Promise<CheckedAssertion & { user: User }> {
  const challenge = await takeChallenge(deps, handle, 'login', null);
  const checked = await checkAssertion(deps, input, { challenge, userId: null, requireUserVerification: true });
  const user = await deps.store.users.findById(checked.credential.userId);
  if (!user?.status) throw new PasskeyFailure('user_blocked', 'the account is blocked');
  return { ...checked, user };
}
