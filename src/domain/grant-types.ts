// The grant types Gatehouse implements; scopes and clients may only name these.
export const GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token', 'password', 'device_code'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** RFC 8628 §3.4: the device flow's `grant_type` on the wire; clients and scopes call it `device_code`. */
export const DEVICE_CODE_GRANT_URN = 'urn:ietf:params:oauth:grant-type:device_code';

export function isGrantType(value: unknown): value is GrantType {
  return typeof value === 'string' && (GRANT_TYPES as readonly string[]).includes(value);
}

/** The `grant_type` a token request sends for `grantType` (and discovery lists). */
export function grantTypeOnWire(grantType: GrantType): string {
  return grantType === 'device_code' ? DEVICE_CODE_GRANT_URN : grantType;
}

/** The grant type a token request's `grant_type` names; null when Gatehouse has none by that name. */
export function grantTypeFromWire(value: unknown): GrantType | null {
  if (value === DEVICE_CODE_GRANT_URN) return 'device_code';
  return isGrantType(value) && value !== 'device_code' ? value : null;
}
