// The registry of second-factor kinds, in the order the login step offers them. A new kind is one
// more file implementing FactorKind and one line here.
import type { FactorKind } from './factor-kind.js';
import { passkeyFactor } from './passkey-factor.js';
import { recoveryCodeFactor } from './recovery-code-factor.js';
import { totpFactor } from './totp-factor.js';

export const FACTOR_KINDS: readonly FactorKind[] = [totpFactor, passkeyFactor, recoveryCodeFactor];

export function factorKind(id: unknown): FactorKind | undefined {
  return FACTOR_KINDS.find((kind) => kind.id === id);
}
