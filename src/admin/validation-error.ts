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
