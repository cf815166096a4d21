// What the form-encoded OAuth endpoints share (token, introspection, revocation): reading the
// body and authenticating the client.
import type { Services } from '../services.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';
import { OAuthFailure } from './oauth-failure.js';
import { singleValuedParams } from './params.js';

/** Reads a form body and authenticates the calling client, as the token endpoint does. */
export function readFormParams(body: unknown, contentType: string) {
  if (body !== undefined && contentType !== 'application/x-www-form-urlencoded') {
    throw new OAuthFailure('invalid_parameter', 'The request must be sent as application/x-www-form-urlencoded.');
  }
  return singleValuedParams(body);
}

export async function authenticatedFormRequest(
  services: Services,
  request: { headers: Record<string, string | string[] | undefined>; body: unknown },
  contentType: string,
) {
  const params = readFormParams(request.body, contentType);
  const authorization = typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined;
  const client = await authenticateClient(services.store, services.secrets, readClientCredentials(authorization, params));
  return { params, client };
}
