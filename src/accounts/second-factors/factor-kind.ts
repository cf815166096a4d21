// One kind of second factor a user may pass at login after the password (TOTP, recovery code,
// passkey). The registry (factor-kinds.ts) lists them; the login step offers
// each kind the user has and checks the one they chose.
import type { PasskeyDeps } from '../passkeys/passkey-deps.js';
import type { Clock } from '../../clock.js';
import type { TokenSealer } from '../../crypto/token-sealing.js';
import type { Store } from '../../store/store.js';
import type { RecoveryCodeDigests } from './recovery-codes.js';

/** What a kind checks against. */
export interface FactorKindDeps {
  store: Pick<Store, 'secondFactors'>;
  clock: Clock;
  /** seals TOTP seeds at rest (subkey `totp-seed`, bound to the user) */
  seeds: TokenSealer;
  recoveryDigests: RecoveryCodeDigests;
  /** the passkeys' store, clock and relying party */
  passkeys: PasskeyDeps;
}

/**
 * `ok`: passed; `{ amr }`: passed, adding this method rather than the kind's own (a passkey is
 * `hwk` or `swk` by its device type); `wrong`: a failed guess; `reused`: right but already used;
 * `malformed`: no guess at all.
 */
export type FactorCheck = 'ok' | { amr: string } | 'wrong' | 'reused' | 'malformed';

/**
 * What the login step knows beside the form, for a kind that runs a ceremony (a passkey): the
 * handle of the challenge this browser holds, and the server-side state it was bound to.
 */
export interface FactorCeremony {
  handle: string | undefined;
  boundTo: string;
}

export interface FactorKind {
  /** the login form's `method` value, and the audit log's detail */
  readonly id: string;
  /** the RFC 8176 method a pass adds to the session's amr, unless the check names its own */
  readonly amr: string;
  /** whether the user can pass this kind (has enrolled it) */
  enrolled(deps: FactorKindDeps, userId: number): Promise<boolean>;
  /** checks what the user submitted (the form's fields) */
  verify(deps: FactorKindDeps, userId: number, form: Readonly<Record<string, unknown>>, ceremony?: FactorCeremony): Promise<FactorCheck>;
}

/** The bound a TOTP seed is sealed to: a sealed seed cannot be moved to another account. */
export const seedBinding = (userId: number): string => `totp:${userId}`;
