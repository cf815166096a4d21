// Request parameters as RFC 6749 §3.1/§3.2 reads them: each at most once, an empty value the
// same as an absent one.
import { OAuthFailure } from './oauth-failure.js';

export type Params = Readonly<Record<string, string | undefined>>;

export function singleValuedParams(body: unknown): Params {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new OAuthFailure('invalid_parameter', 'The request body must be a set of named parameters.');
  }
  const params: Record<string, string | undefined> = Object.create(null);
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) throw OAuthFailure.invalid(name, `The ${name} parameter must not be repeated.`);
    if (typeof value === 'string' && value.includes('\u0000')) throw OAuthFailure.invalid(name, `The ${name} parameter must not contain a NUL character.`);
    if (typeof value === 'string') params[name] = value === '' ? undefined : value;
    else if (typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
    else if (value !== null && value !== undefined) throw OAuthFailure.invalid(name, `The ${name} parameter must be a string.`);
  }
  return params;
}
