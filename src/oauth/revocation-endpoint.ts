// POST /oauth/revoke (RFC 7009): the client authenticates as at the token endpoint; the answer
// is 200 whether or not the token was known, live or the client's own.
import type { FastifyInstance } from 'fastify';
import { contentTypeOf, noStore } from '../http/reply-helpers.js';
import { PUBLIC } from '../resource/route-access.js';
import type { AuthenticateClientDeps } from './client-auth/index.js';
import { OAuthFailure } from './oauth-failure.js';
import { authenticatedFormRequest } from './oauth-request.js';
import { oauthErrors, oauthTooManyRequests, sendOAuthFailure } from './rfc6749-error.js';
import { installErrorHandler } from '../http/error-handler.js';
import { revokePresentedToken, type TokenRevocationDeps } from './token-revocation.js';

/** What the revocation endpoint uses; Services provides it. */
export type RevocationEndpointDeps = TokenRevocationDeps & AuthenticateClientDeps;

export async function revocationEndpoint(app: FastifyInstance, options: { services: RevocationEndpointDeps }): Promise<void> {
  const { services } = options;
  installErrorHandler(app, oauthErrors('revocation'));

  app.post('/oauth/revoke', { config: { ...PUBLIC, rateLimited: oauthTooManyRequests } }, async (request, reply) => {
    const usedBasic = /^basic\s/i.test(request.headers.authorization ?? '');
    try {
      const { params, client } = await authenticatedFormRequest(services, request, contentTypeOf(request));
      if (params.token === undefined) throw OAuthFailure.missing('token');
      // RFC 7009 §2.1: a hint the server does not know is ignored, and the token still looked up
      await revokePresentedToken(services, client, params.token, params.token_type_hint, request.ip, '/oauth/revoke');
      return noStore(reply).code(200).send();
    } catch (error) {
      if (error instanceof OAuthFailure) return sendOAuthFailure(reply, error, usedBasic);
      throw error;
    }
  });
}
