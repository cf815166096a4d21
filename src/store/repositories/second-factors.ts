// Second factors of users: a TOTP secret each (sealed by the caller; the store never sees it in
// clear) and recovery codes by keyed digest. Each single use is decided by the database: one
// conditional UPDATE, so two requests racing with the same code cannot both pass.

export interface TotpRow {
  userId: number;
  /** the seed, sealed under a subkey of GATEHOUSE_SECRET (src/crypto/token-sealing.ts) */
  sealedSecret: string;
  createdAt: number;
  /** null until a first code confirmed the enrolment: until then it is no factor */
  confirmedAt: number | null;
  /** the last 30 s time step a code was accepted for */
  lastStep: number | null;
}

export interface SecondFactorRepository {
  getTotp(userId: number): Promise<TotpRow | null>;
  /** starts (or restarts) an enrolment: an unconfirmed secret, replacing an unconfirmed one only; false when one is confirmed */
  putPendingTotp(userId: number, sealedSecret: string, now: number): Promise<boolean>;
  /** confirms the pending secret with the step of its first code; false when there was none pending */
  confirmTotp(userId: number, step: number, now: number): Promise<boolean>;
  /** records `step` as used, only if it is later than the last used one: true when this call used it */
  useTotpStep(userId: number, step: number): Promise<boolean>;
  deleteTotp(userId: number): Promise<boolean>;
  /** replaces every recovery code of the user with these digests */
  replaceRecoveryCodes(userId: number, digests: string[], now: number): Promise<void>;
  /** spends an unused code: true when this call spent it */
  spendRecoveryCode(userId: number, digest: string, now: number): Promise<boolean>;
  /** whether this code of the user exists and was spent already */
  isSpentRecoveryCode(userId: number, digest: string): Promise<boolean>;
  /** how many of the user's recovery codes are still unused */
  unusedRecoveryCodes(userId: number): Promise<number>;
  /** removes every factor and code of the user; how many rows went */
  deleteAll(userId: number): Promise<number>;
}
