// Ceremony challenges: 32 random bytes made here, stored server-side under the digest of a random
// handle that only the browser holds (a cookie) or the caller's pending state keeps, five minutes,
// taken once. What the client sends back as its challenge is only ever compared with this one.
// A challenge may also be bound to a server-side state (the pending login of a second factor): it
// is stored under the digest of that state's id with the handle, so only the same state finds it.
import { nowSeconds } from '../../clock.js';
import { randomToken, tokenDigest } from '../../crypto/secrets.js';
import type { WebAuthnChallengePurpose } from '../../store/store.js';
import type { PasskeyDeps } from './passkey-deps.js';
import { PasskeyFailure } from './passkey-failure.js';

/** seconds a ceremony may take, and the timeout the browser is told (ms) */
export const CHALLENGE_TTL = 300;

export interface IssuedChallenge {
  /** what the browser (or the pending state) keeps to name this ceremony */
  handle: string;
  /** base64url, sent to the authenticator */
  challenge: string;
}

/** What the store keeps a handle under: its digest, with the state it is bound to, if any. */
const handleDigest = (handle: string, boundTo: string | undefined): string => tokenDigest(boundTo === undefined ? handle : `${boundTo}:${handle}`);

export async function issueChallenge(deps: PasskeyDeps, purpose: WebAuthnChallengePurpose, userId: number | null, boundTo?: string): Promise<IssuedChallenge> {
  const handle = randomToken(32);
  const challenge = randomToken(32);
  await deps.store.webauthnChallenges.insert({
    handleDigest: handleDigest(handle, boundTo),
    purpose,
    userId,
    challenge,
    expiresAt: nowSeconds(deps.clock) + CHALLENGE_TTL,
  });
  return { handle, challenge };
}

/** The challenge this handle names, spent; refused unless it is for this ceremony, user and bound state. */
export async function takeChallenge(
  deps: PasskeyDeps,
  handle: unknown,
  purpose: WebAuthnChallengePurpose,
  userId: number | null,
  boundTo?: string,
): Promise<string> {
  if (typeof handle !== 'string' || handle.length === 0 || handle.length > 128) throw new PasskeyFailure('challenge', 'no ceremony under way');
  const row = await deps.store.webauthnChallenges.take(handleDigest(handle, boundTo), nowSeconds(deps.clock));
  if (!row) throw new PasskeyFailure('challenge', 'the ceremony expired or was already completed');
  if (row.purpose !== purpose || row.userId !== userId) throw new PasskeyFailure('challenge', 'the challenge was issued for another ceremony');
  return row.challenge;
}
