// A passkey as the second factor after the password: enrolled once the user has a passkey; passed
// by an assertion of one of the user's own passkeys over the challenge the login step issued and
// bound to this pending login (src/accounts/passkeys/passkey-second-factor.ts), spent once. The
// session's amr gains `hwk` or `swk` by the passkey's device type. Another user's passkey, an
// unknown one or a bad signature is a failed guess; a replayed counter a reuse.
import type { PasskeyFailureReason } from '../passkeys/passkey-failure.js';
import { PasskeyFailure } from '../passkeys/passkey-failure.js';
import { hasPasskeys, verifySecondFactor } from '../passkeys/passkey-second-factor.js';
import { AMR_HARDWARE_KEY } from '../../domain/authentication-method.js';
import type { FactorCheck, FactorKind } from './factor-kind.js';

export const PASSKEY_FACTOR_ID = 'passkey';

const CHECKS: Record<PasskeyFailureReason, Exclude<FactorCheck, 'ok' | { amr: string }>> = {
  challenge: 'malformed',
  malformed: 'malformed',
  unknown_credential: 'wrong',
  other_user: 'wrong',
  rejected: 'wrong',
  replayed: 'reused',
  already_registered: 'wrong',
  user_blocked: 'wrong',
};

export const passkeyFactor: FactorKind = {
  id: PASSKEY_FACTOR_ID,
  // the usual one; each pass names its passkey's own (hwk or swk)
  amr: AMR_HARDWARE_KEY,

  async enrolled(deps, userId) {
    return hasPasskeys(deps.passkeys, userId);
  },

  async verify(deps, userId, form, ceremony) {
    // without a ceremony of this login step there is no challenge to check against
    if (!ceremony) return 'malformed';
    try {
      const checked = await verifySecondFactor(deps.passkeys, userId, ceremony.handle, form.credential, ceremony.boundTo);
      return { amr: checked.amr };
    } catch (error) {
      if (error instanceof PasskeyFailure) return CHECKS[error.reason];
      throw error;
    }
  },
};
