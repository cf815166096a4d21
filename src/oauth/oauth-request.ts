// What the form-encoded OAuth endpoints share (token, introspection, revocation): reading the
// body and authenticating the client.
import { type AuthenticateClientDeps, authenticateClient } from './client-auth/index.js';
import { OAuthFailure } from './oauth-failure.js';
import { type Params, singleValuedParams } from './params.js';

/** RFC 6749 §3.2: the body is form-encoded; each parameter once. */
export function readFormParams(body: unknown, contentType: string): Params {
  if (body !== undefined && contentType !== 'application/x-www-form-urlencoded') {
    throw new OAuthFailure('invalid_parameter', 'The request must be sent as application/x-www-form-urlencoded.');
  }
  return singleValuedParams(body);
}

/** Reads a form body and authenticates the calling client, as the token endpoint does. */
export async function authenticatedFormRequest(
  deps: AuthenticateClientDeps,
  request: { headers: Record<string, string | string[] | undefined>; body: unknown },
  contentType: string,
) {
  const params = readFormParams(request.body, contentType);
  const { client } = await authenticateClient(deps, { headers: request.headers, params });
  return { params, client };
}
