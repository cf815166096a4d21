// How a user proved who they are: RFC 8176 Authentication Method Reference values (`amr`), the
// Authentication Context Class (`acr`, OIDC Core §2) they add up to, and who must use a second
// factor. Pure rules; the session records the methods, the ID token states them.
import type { AccessCatalog } from './access.js';

/** RFC 8176 §2: password, one-time password (TOTP, recovery code), hardware- and software-bound key (passkey). */
export const AMR_PASSWORD = 'pwd';
export const AMR_OTP = 'otp';
export const AMR_HARDWARE_KEY = 'hwk';
export const AMR_SOFTWARE_KEY = 'swk';
export const AMR_VALUES: readonly string[] = [AMR_PASSWORD, AMR_OTP, AMR_HARDWARE_KEY, AMR_SOFTWARE_KEY];

/** A login with a password only. */
export const ACR_PASSWORD = 'urn:gatehouse:acr:pwd';
/** A login with a second factor after (or instead of) the password. */
export const ACR_MFA = 'urn:gatehouse:acr:mfa';
export const ACR_VALUES_SUPPORTED: readonly string[] = [ACR_PASSWORD, ACR_MFA];

/** The methods a second factor (or passkey) contributes. */
const SECOND_FACTOR_METHODS = new Set([AMR_OTP, AMR_HARDWARE_KEY, AMR_SOFTWARE_KEY]);

/** Whether a login with these methods used a second factor. */
export function usedSecondFactor(amr: readonly string[]): boolean {
  return amr.some((method) => SECOND_FACTOR_METHODS.has(method));
}

/** The ACR a login with these methods reached. */
export function acrOf(amr: readonly string[]): string {
  return usedSecondFactor(amr) ? ACR_MFA : ACR_PASSWORD;
}

/**
 * Whether an authorization request's `acr_values` (space-separated, in order of preference)
 * asks for a second factor the session has not shown: then the user steps up first.
 */
export function needsStepUp(acrValues: readonly string[], amr: readonly string[]): boolean {
  return acrValues.length > 0 && acrValues.every((acr) => acr === ACR_MFA) && !usedSecondFactor(amr);
}

/** Whether any of the user's roles requires a second factor. */
export function mfaRequiredByRoles(roles: readonly string[], catalog: Pick<AccessCatalog, 'roles'>): boolean {
  return roles.some((id) => catalog.roles.get(id)?.mfaRequired === true);
}

/** Reads a stored amr list; anything unreadable counts as a password login. */
export function parseAmr(text: string | null | undefined): string[] {
  if (!text) return [AMR_PASSWORD];
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // fall through
  }
  return [AMR_PASSWORD];
}
