// What a user may call a passkey: a label of their own for the list on /user/{uid}/passkeys.

export const PASSKEY_NAME_MAX_LENGTH = 60;

/** The name to store, or null when it cannot be one (control characters, too long). Blank → `fallback`. */
export function passkeyName(value: unknown, fallback: string): string | null {
  if (typeof value !== 'string') return value === undefined ? fallback : null;
  const name = value.trim().replace(/\s+/g, ' ');
  if (name === '') return fallback;
  if (/[\u0000-\u001f\u007f]/.test(value) || [...name].length > PASSKEY_NAME_MAX_LENGTH) return null;
  return name;
}
