// POST /rest_api/revoke — revocation in miniOrange's shape, through the same revocation as
// /oauth/revoke: {"status":"success","message":"Token revoked successfully"}.
import type { FastifyInstance } from 'fastify';
import { installErrorHandler } from '../http/error-handler.js';
import { contentTypeOf, noStore } from '../http/reply-helpers.js';
import { OAuthFailure } from '../oauth/oauth-failure.js';
import { singleValuedParams } from '../oauth/params.js';
import { revokePresentedToken } from '../oauth/token-revocation.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import {
  INVALID_CLIENT_ID,
  INVALID_CLIENT_SECRET,
  INVALID_HTTP_METHOD,
  INVALID_REQUEST,
  restApiErrors,
  restApiTooManyRequests,
  sendRestApiError,
  toRestApiError,
} from './rest-api-errors.js';

const ENDPOINT = '/rest_api/revoke';

const send = sendRestApiError;

export async function restApiRevoke(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { services } = options;

  installErrorHandler(app, restApiErrors('rest_api revoke'));

  app.post(ENDPOINT, { config: { ...PUBLIC, rateLimited: restApiTooManyRequests } }, async (request, reply) => {
    try {
      const type = contentTypeOf(request);
      if (request.body !== undefined && type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
        return send(reply, INVALID_REQUEST('The request must be sent as application/x-www-form-urlencoded or application/json.'));
      }
      const params = singleValuedParams(request.body);
      const clientId = params.client_id?.trim();
      if (!clientId) throw OAuthFailure.missing('client_id');
      const client = await services.store.clients.get(clientId);
      if (!client?.status) return send(reply, INVALID_CLIENT_ID());
      if (client.confidential && (params.client_secret === undefined || !services.secrets.matches(params.client_secret, client.secretDigest))) {
        return send(reply, INVALID_CLIENT_SECRET());
      }
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
