// The TOTP second factor: a six-digit code of the user's confirmed secret, each 30 s step usable
// once (the store records the last step accepted, atomically: a replayed code is `reused`).
import type { FactorKind } from './factor-kind.js';
import { seedBinding } from './factor-kind.js';
import { normalizeTotpCode, totpStep } from './totp.js';
import { AMR_OTP } from '../../domain/authentication-method.js';

export const totpFactor: FactorKind = {
  id: 'totp',
  amr: AMR_OTP,

  async enrolled(deps, userId) {
    const row = await deps.store.secondFactors.getTotp(userId);
    return row?.confirmedAt != null;
  },

  async verify(deps, userId, form) {
    const code = typeof form.code === 'string' ? normalizeTotpCode(form.code) : null;
    if (code === null) return 'malformed';
    const row = await deps.store.secondFactors.getTotp(userId);
    if (!row || row.confirmedAt === null) return 'wrong';
    const secret = deps.seeds.open(row.sealedSecret, seedBinding(userId));
    if (secret === null) return 'wrong';
    const step = totpStep(secret, code, deps.clock.now());
    if (step === null) return 'wrong';
    return (await deps.store.secondFactors.useTotpStep(userId, step)) ? 'ok' : 'reused';
  },
};
