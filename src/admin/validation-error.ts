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
