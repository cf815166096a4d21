// The grant types Gatehouse implements; scopes and clients may only name these.
export const GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token', 'password'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export function isGrantType(value: unknown): value is GrantType {
  return typeof value === 'string' && (GRANT_TYPES as readonly string[]).includes(value);
}
