// A user's second factors: who must pass one at login (a factor enrolled, or a role requiring
// one), checking the chosen kind under flood control, TOTP enrolment confirmed by a first code,
// ten recovery codes shown once, removal and regeneration. Audited without a secret: the audit
// log names the kind and the outcome, never a seed, a code or its digest.
import { nowSeconds } from '../../clock.js';
import { mfaRequiredByRoles } from '../../domain/authentication-method.js';
import type { AccessCatalog } from '../../domain/access.js';
import type { User } from '../../domain/user.js';
import type { FloodControl } from '../../oauth/flood-control.js';
import type { UserAuthenticator } from '../../oauth/user-authenticator.js';
import type { AuditEntry, Store } from '../../store/store.js';
import { FACTOR_KINDS, factorKind } from './factor-kinds.js';
import { seedBinding, type FactorCeremony, type FactorKindDeps } from './factor-kind.js';
import { newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';
import { newTotpSecret, normalizeTotpCode, qrCodeSvg, totpStep, totpUri } from './totp.js';

export interface SecondFactorDeps extends FactorKindDeps {
  store: Pick<Store, 'secondFactors'>;
  catalog: () => Pick<AccessCatalog, 'roles'>;
  flood: Pick<FloodControl, 'reserveSecondFactor' | 'release'>;
  passwords: Pick<UserAuthenticator, 'authenticate'>;
  /** the issuer's host: the name authenticator apps list the account under */
  siteName: string;
  audit(entry: Omit<AuditEntry, 'at'>): void;
}

/** What the login must do after a right password: nothing more, pass a factor, or enrol one first. */
export type Requirement = 'none' | 'verify' | 'enrol';

export type VerifyOutcome =
  | { kind: 'ok'; amr: string; method: string }
  | { kind: 'refused'; reason: 'wrong' | 'reused' | 'malformed' | 'unknown_method' }
  | { kind: 'flood'; retryAfter: number };

export interface TotpEnrolment {
  uri: string;
  svg: string;
  /** base32, for typing into an app that cannot scan */
  secret: string;
}

export interface FactorStatus {
  totp: 'none' | 'pending' | 'active';
  recoveryCodesLeft: number;
  mfaRequired: boolean;
}

export class SecondFactors {
  constructor(private readonly deps: SecondFactorDeps) {}

  /** the kinds the user can pass, by id */
  async enrolledKinds(userId: number): Promise<string[]> {
    const kinds: string[] = [];
    for (const kind of FACTOR_KINDS) if (await kind.enrolled(this.deps, userId)) kinds.push(kind.id);
    return kinds;
  }

  async requirement(user: User): Promise<Requirement> {
    if (await this.hasFactor(user.uid)) return 'verify';
    return mfaRequiredByRoles(user.roles, this.deps.catalog()) ? 'enrol' : 'none';
  }

  /** whether the user has a factor of their own — TOTP or a passkey (recovery codes alone are none: they come with one) */
  async hasFactor(userId: number): Promise<boolean> {
    const kinds = await this.enrolledKinds(userId);
    return kinds.some((id) => id !== 'recovery_code');
  }

  async status(user: User): Promise<FactorStatus> {
    const totp = await this.deps.store.secondFactors.getTotp(user.uid);
    return {
      totp: !totp ? 'none' : totp.confirmedAt === null ? 'pending' : 'active',
      recoveryCodesLeft: await this.deps.store.secondFactors.unusedRecoveryCodes(user.uid),
      mfaRequired: mfaRequiredByRoles(user.roles, this.deps.catalog()),
    };
  }

  /**
   * Checks the factor the user chose, each attempt counted by flood control until it passes.
   * `ceremony`: the login step's passkey challenge, for the kinds that run one.
   */
  async verify(
    user: User,
    method: unknown,
    form: Readonly<Record<string, unknown>>,
    ip: string,
    endpoint: string,
    ceremony?: FactorCeremony,
  ): Promise<VerifyOutcome> {
    const kind = factorKind(method);
    if (!kind || !(await kind.enrolled(this.deps, user.uid))) return { kind: 'refused', reason: 'unknown_method' };
    const attempt = await this.deps.flood.reserveSecondFactor(ip, user.uid);
    if ('retryAfter' in attempt) {
      this.audit(user.uid, 'mfa.verify', 'failure', ip, endpoint, `${kind.id}:too_many_attempts`);
      return { kind: 'flood', retryAfter: attempt.retryAfter };
    }
    const check = await kind.verify(this.deps, user.uid, form, ceremony);
    const amr = check === 'ok' ? kind.amr : typeof check === 'object' ? check.amr : null;
    // a malformed code was no guess; a wrong or replayed one stays counted
    if (amr !== null || check === 'malformed') await this.deps.flood.release(attempt);
    this.audit(user.uid, 'mfa.verify', amr !== null ? 'success' : 'failure', ip, endpoint, amr !== null ? kind.id : `${kind.id}:${check}`);
    if (amr !== null) return { kind: 'ok', amr, method: kind.id };
    return { kind: 'refused', reason: check as 'wrong' | 'reused' | 'malformed' };
  }

  /** Starts (or shows again) a TOTP enrolment; null when the user has a confirmed one. */
  async totpEnrolment(user: User): Promise<TotpEnrolment | null> {
    const existing = await this.deps.store.secondFactors.getTotp(user.uid);
    if (existing?.confirmedAt != null) return null;
    let secret = existing ? this.deps.seeds.open(existing.sealedSecret, seedBinding(user.uid)) : null;
    if (secret === null) {
      secret = newTotpSecret();
      if (!(await this.deps.store.secondFactors.putPendingTotp(user.uid, this.deps.seeds.seal(secret, seedBinding(user.uid)), nowSeconds(this.deps.clock))))
        return null;
    }
    const uri = totpUri(secret, this.deps.siteName, user.name);
    return { uri, svg: await qrCodeSvg(uri), secret };
  }

  /**
   * Confirms the pending TOTP secret with its first code: the secret becomes a factor, and the
   * ten new recovery codes are returned, to be shown once. The code's step counts as used.
   */
  async confirmTotp(
    user: User,
    input: string,
    ip: string,
    endpoint: string,
  ): Promise<{ codes: string[] } | { refused: 'wrong' | 'malformed' | 'none_pending' } | { retryAfter: number }> {
    const row = await this.deps.store.secondFactors.getTotp(user.uid);
    if (!row || row.confirmedAt !== null) return { refused: 'none_pending' };
    const code = normalizeTotpCode(input);
    if (code === null) return { refused: 'malformed' };
    const attempt = await this.deps.flood.reserveSecondFactor(ip, user.uid);
    if ('retryAfter' in attempt) return attempt;
    const secret = this.deps.seeds.open(row.sealedSecret, seedBinding(user.uid));
    const step = secret === null ? null : totpStep(secret, code, this.deps.clock.now());
    if (step === null || !(await this.deps.store.secondFactors.confirmTotp(user.uid, step, nowSeconds(this.deps.clock)))) {
      this.audit(user.uid, 'mfa.totp_enrolled', 'failure', ip, endpoint, 'wrong_code');
      return { refused: 'wrong' };
    }
    await this.deps.flood.release(attempt);
    const codes = await this.newRecoveryCodes(user.uid);
    this.audit(user.uid, 'mfa.totp_enrolled', 'success', ip, endpoint, null);
    return { codes };
  }

  /** Ten new recovery codes replacing the old ones, to be shown once; null without a factor. */
  async regenerateRecoveryCodes(user: User, ip: string, endpoint: string): Promise<string[] | null> {
    if (!(await this.hasFactor(user.uid))) return null;
    const codes = await this.newRecoveryCodes(user.uid);
    this.audit(user.uid, 'mfa.recovery_codes_regenerated', 'success', ip, endpoint, null);
    return codes;
  }

  /**
   * Removes the user's TOTP factor and recovery codes, proved by the current password or a
   * current code: a stolen session alone cannot strip the factor.
   */
  async removeTotp(
    user: User,
    proof: { password?: string; code?: string },
    ip: string,
    endpoint: string,
  ): Promise<'removed' | 'refused' | 'none' | { retryAfter: number }> {
    const row = await this.deps.store.secondFactors.getTotp(user.uid);
    if (!row) return 'none';
    if (!(await this.proved(user, proof, ip, endpoint))) {
      this.audit(user.uid, 'mfa.totp_removed', 'failure', ip, endpoint, 'not_proved');
      return 'refused';
    }
    await this.deps.store.secondFactors.deleteAll(user.uid);
    this.audit(user.uid, 'mfa.totp_removed', 'success', ip, endpoint, null);
    return 'removed';
  }

  private async proved(user: User, proof: { password?: string; code?: string }, ip: string, endpoint: string): Promise<boolean> {
    if (proof.code) {
      const outcome = await this.verify(user, 'totp', { code: proof.code }, ip, endpoint);
      return outcome.kind === 'ok';
    }
    if (!proof.password) return false;
    try {
      const proved = await this.deps.passwords.authenticate(user.name, proof.password, ip);
      return proved.uid === user.uid;
    } catch {
      return false;
    }
  }

  private async newRecoveryCodes(userId: number): Promise<string[]> {
    const codes = newRecoveryCodes();
    const digests = codes.map((code) => this.deps.recoveryDigests.digest(userId, normalizeRecoveryCode(code)!));
    await this.deps.store.secondFactors.replaceRecoveryCodes(userId, digests, nowSeconds(this.deps.clock));
    return codes;
  }

  private audit(userId: number, event: string, outcome: 'success' | 'failure', ip: string, endpoint: string, detail: string | null): void {
    this.deps.audit({ event, outcome, userId, clientId: null, ip, endpoint, detail });
  }
}
