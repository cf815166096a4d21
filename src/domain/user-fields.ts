// A user's free-form fields (issue 14 part 5): profile data an operator keeps beside the account —
// the OpenID Connect standard claims (`given_name`, `phone_number`, `address`, …) under their own
// names, or anything custom claim mappings read (`$user.field.department`). Values are strings,
// numbers, booleans or JSON objects; a field that is unset is absent, never null.

export type UserFieldValue = string | number | boolean | { [key: string]: unknown };
export type UserFields = Record<string, UserFieldValue>;

/** A field name: a letter, then letters, digits, `_` or `-` (so it reads as a claim name). */
export const USER_FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const MAX_USER_FIELDS = 64;
/** the fields of one user, as JSON, in bytes */
export const MAX_USER_FIELDS_BYTES = 16 * 1024;

/** Why `fields` cannot be stored as a user's fields, or null when it can. */
export function userFieldsProblem(fields: unknown): string | null {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return 'must be an object of field names to values';
  const names = Object.keys(fields);
  if (names.length > MAX_USER_FIELDS) return `may hold at most ${MAX_USER_FIELDS} fields`;
  for (const name of names) {
    if (!USER_FIELD_NAME.test(name)) return `"${name}" is not a valid field name (a letter, then letters, digits, "_" or "-"; at most 64)`;
    const problem = valueProblem((fields as Record<string, unknown>)[name]);
    if (problem) return `${name} ${problem}`;
  }
  const text = JSON.stringify(fields);
  if (text.includes('\\u0000')) return 'may not contain NUL characters';
  if (Buffer.byteLength(text) > MAX_USER_FIELDS_BYTES) return `must be at most ${MAX_USER_FIELDS_BYTES} bytes as JSON`;
  return null;
}

function valueProblem(value: unknown): string | null {
  if (typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'must be a finite number';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return null;
  return 'must be a string, a number, a boolean or an object';
}

/** The same fields, keys in order, so that two spellings of one map compare equal. */
export function sameFields(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/**
 * A field value as typed at the CLI or in the console: JSON when it reads as a number, a boolean,
 * an object or a quoted string; any other text is the string itself (`Sales` and `"Sales"` alike).
 */
export function parseFieldValue(text: string): UserFieldValue {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as UserFieldValue;
  } catch {
    // not JSON: plain text
  }
  return text;
}

/** The text parseFieldValue reads back as `value` (a string is quoted only when it would not be). */
export function formatFieldValue(value: UserFieldValue): string {
  if (typeof value === 'string') return parseFieldValue(value) === value ? value : JSON.stringify(value);
  return JSON.stringify(value);
}
