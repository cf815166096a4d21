// A refusal of operator input, naming the field: the CLI prints it as one line, the admin API
// and console show it next to the field.
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * Free text an operator gives (a label, a description, a time zone): a string of at most `max`
 * characters without NUL, which PostgreSQL text cannot hold (SQLite would take it silently).
 */
export function checkText(field: string, value: unknown, max: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || value.length > max) throw new ValidationError(field, `must be text of at most ${max} characters`);
  if (value.includes('\u0000')) throw new ValidationError(field, 'must not contain a NUL character');
}

/** The thing an administrative operation names does not exist (404 in the admin API). */
export class NotFoundError extends Error {}

/**
 * The acting administrator may not make this change: it would hand out a permission they do not
 * hold (403 in the admin API, beside the field in the console). `missing` names what they lack.
 */
export class ForbiddenError extends ValidationError {
  constructor(
    field: string,
    message: string,
    readonly missing: string[] | 'all',
  ) {
    super(field, message);
  }
}

/**
 * The thing cannot be removed while others still name it (a role held by users, a scope listed by
 * clients): 409 in the admin API. The message names who holds it.
 */
export class InUseError extends ValidationError {}
