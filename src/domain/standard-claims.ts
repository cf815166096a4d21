// The standard claims about a user (OIDC Core §5.1) and the scope that asks for each (§5.4).

export const PROFILE_CLAIMS = [
  'name',
  'family_name',
  'given_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'updated_at',
] as const;
export const EMAIL_CLAIMS = ['email', 'email_verified'] as const;
export const ADDRESS_CLAIMS = ['address'] as const;
export const PHONE_CLAIMS = ['phone_number', 'phone_number_verified'] as const;

/** OIDC Core §5.4: the claims each scope asks for. */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  profile: PROFILE_CLAIMS,
  email: EMAIL_CLAIMS,
  address: ADDRESS_CLAIMS,
  phone: PHONE_CLAIMS,
};

/** The scope whose grant releases `claim`, or undefined for a claim no scope covers. */
export function scopeOfClaim(claim: string): string | undefined {
  return Object.keys(SCOPE_CLAIMS).find((scope) => SCOPE_CLAIMS[scope].includes(claim));
}
