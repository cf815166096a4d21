// A recovery code in place of the TOTP code: each of the ten usable once, spent by the database
// (a replayed code is `reused`, told apart from a wrong one by a second look, after the spend failed).
import type { FactorKind } from './factor-kind.js';
import { normalizeRecoveryCode } from './recovery-codes.js';
import { AMR_OTP } from '../../domain/authentication-method.js';
import { nowSeconds } from '../../clock.js';

export const recoveryCodeFactor: FactorKind = {
  id: 'recovery_code',
  // RFC 8176 has no value of its own for it: a recovery code is a one-time password
  amr: AMR_OTP,

  async enrolled(deps, userId) {
    return (await deps.store.secondFactors.unusedRecoveryCodes(userId)) > 0;
  },

  async verify(deps, userId, form) {
    const code = typeof form.recovery_code === 'string' ? normalizeRecoveryCode(form.recovery_code) : null;
    if (code === null) return 'malformed';
    const digest = deps.recoveryDigests.digest(userId, code);
    if (await deps.store.secondFactors.spendRecoveryCode(userId, digest, nowSeconds(deps.clock))) return 'ok';
    return (await deps.store.secondFactors.isSpentRecoveryCode(userId, digest)) ? 'reused' : 'wrong';
  },
};
