// POST /rest_api/revoke — revocation in miniOrange's shape, through the same revocation as
// /oauth/revoke: {"status":"success","message":"Token revoked successfully"}.
import type { FastifyInstance } from 'fastify';
import { installErrorHandler } from '../http/error-handler.js';
import { contentTypeOf, noStore } from '../http/reply-helpers.js';
import { type AuthenticateClientDeps, authenticateClient } from '../oauth/client-auth/index.js';
import { OAuthFailure } from '../oauth/oauth-failure.js';
import { type Params, singleValuedParams } from '../oauth/params.js';
import { revokePresentedToken, type TokenRevocationDeps } from '../oauth/token-revocation.js';
import { PUBLIC } from '../resource/route-access.js';
import { INVALID_HTTP_METHOD, INVALID_REQUEST, restApiErrors, restApiTooManyRequests, sendRestApiError, toRestApiError } from './rest-api-errors.js';

const ENDPOINT = '/rest_api/revoke';

const send = sendRestApiError;

/** What miniOrange's revocation endpoint uses; Services provides it. */
export type RestApiRevokeDeps = TokenRevocationDeps & AuthenticateClientDeps;

export async function restApiRevoke(app: FastifyInstance, options: { services: RestApiRevokeDeps }): Promise<void> {
  const { services } = options;

  installErrorHandler(app, restApiErrors('rest_api revoke'));

  app.post(ENDPOINT, { config: { ...PUBLIC, rateLimited: restApiTooManyRequests } }, async (request, reply) => {
    try {
      const type = contentTypeOf(request);
      if (request.body !== undefined && type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
        return send(reply, INVALID_REQUEST('The request must be sent as application/x-www-form-urlencoded or application/json.'));
      }
      const raw = singleValuedParams(request.body);
      // as at /rest_api/access_token: the module's examples put a stray space in client_id
      const params: Params = { ...raw, client_id: raw.client_id?.trim() || undefined };
      const { client } = await authenticateClient(services, { headers: request.headers, params }, { publicClientSecret: 'ignore' });
      if (params.token === undefined) throw OAuthFailure.missing('token');
      await revokePresentedToken(services, client, params.token, params.token_type_hint, request.ip, ENDPOINT);
      return noStore(reply).send({ status: 'success', message: 'Token revoked successfully' });
    } catch (error) {
      if (error instanceof OAuthFailure) return send(reply, toRestApiError(error));
      throw error;
    }
  });

  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url: ENDPOINT,
    config: PUBLIC,
    handler: async (_request, reply) => send(reply, INVALID_HTTP_METHOD()),
  });
}
