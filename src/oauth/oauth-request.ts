// What the form-encoded OAuth endpoints share (token, introspection, revocation): reading the
// body, authenticating the client, answering errors in RFC 6749 §5.2 vocabulary.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { describeClientError, isClientError, markBusy, noStore } from '../http/reply-helpers.js';
import { REALM } from '../resource/resource-errors.js';
import type { Services } from '../services.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';
import { OAuthFailure } from './oauth-failure.js';
import { toOAuthError } from './rfc6749-error.js';
import { singleValuedParams } from './params.js';
import { isStoreUnavailable, UNAVAILABLE_RETRY_AFTER } from '../store/store-unavailable.js';

export function sendOAuthFailure(reply: FastifyReply, error: OAuthFailure, usedBasic: boolean): FastifyReply {
  const answer = toOAuthError(error, usedBasic, REALM);
  if (error.reason === 'server_busy') markBusy(reply);
  return noStore(reply).code(answer.status).headers(answer.headers).send(answer.body);
}

export function oauthErrorHandler(app: FastifyInstance, label: string): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isClientError(error)) return sendOAuthFailure(reply, new OAuthFailure('invalid_parameter', describeClientError(error)), false);
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, `${label}: database unavailable`);
      return noStore(reply)
        .code(503)
        .header('retry-after', String(UNAVAILABLE_RETRY_AFTER))
        .send({ error: 'temporarily_unavailable', error_description: 'The authorization server is temporarily unavailable. Try again shortly.' });
    }
    request.log.error({ err: error }, `${label} failed`);
    return noStore(reply).code(500).send({ error: 'server_error', error_description: 'The authorization server encountered an unexpected condition.' });
  });
}

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
