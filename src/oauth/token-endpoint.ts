// POST /oauth/token (RFC 6749 §3.2): parse, authenticate the client, run the grant, answer in
// RFC 6749 §5 vocabulary with Simple OAuth's shapes (COMPAT §3).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isGrantType } from '../domain/grant-types.js';
import { contentTypeOf, describeClientError, isClientError, noStore } from '../http/reply-helpers.js';
import { REALM } from '../resource/resource-errors.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';
import { GrantError, toOAuthError } from './errors.js';
import { singleValuedParams, type Params } from './params.js';
import { auditTokenRequest, dispatchGrant } from './token-dispatch.js';

const ENDPOINT = '/oauth/token';

function sendOAuthError(reply: FastifyReply, error: GrantError, usedBasic: boolean): FastifyReply {
  const answer = toOAuthError(error, usedBasic, REALM);
  return noStore(reply).code(answer.status).headers(answer.headers).send(answer.body);
}

export async function tokenEndpoint(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { services } = options;

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isClientError(error)) return sendOAuthError(reply, new GrantError('invalid_parameter', describeClientError(error)), false);
    request.log.error({ err: error }, 'token endpoint failed');
    return noStore(reply).code(500).send({ error: 'server_error', error_description: 'The authorization server encountered an unexpected condition.' });
  });

  app.post(ENDPOINT, { config: PUBLIC }, async (request: FastifyRequest, reply: FastifyReply) => {
    const usedBasic = /^basic\s/i.test(request.headers.authorization ?? '');
    let params: Params = {};
    let clientId: string | undefined;
    try {
      if (request.body !== undefined && contentTypeOf(request) !== 'application/x-www-form-urlencoded') {
        throw new GrantError('invalid_parameter', 'The token request must be sent as application/x-www-form-urlencoded.');
      }
      params = singleValuedParams(request.body);
      const grantType = params.grant_type;
      if (grantType === undefined) throw GrantError.missing('grant_type');
      if (!isGrantType(grantType)) throw new GrantError('unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
      const credentials = readClientCredentials(request.headers.authorization, params);
      clientId = credentials.clientId;
      const client = await authenticateClient(services.store, services.secrets, credentials);
      const issued = await dispatchGrant({ ...services, ip: request.ip }, grantType, client, params, { refreshWithClientCredentials: false });
      auditTokenRequest(services.audit, ENDPOINT, request.ip, grantType, client.clientId, { issued });
      const body: Record<string, unknown> = {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        scope: issued.scopes.join(' '),
      };
      if (issued.refreshToken) body.refresh_token = issued.refreshToken;
      if (issued.idToken) body.id_token = issued.idToken;
      return noStore(reply).send(body);
    } catch (error) {
      auditTokenRequest(services.audit, ENDPOINT, request.ip, params.grant_type, clientId?.slice(0, 128), { error });
      if (error instanceof GrantError) return sendOAuthError(reply, error, usedBasic);
      throw error;
    }
  });

  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url: ENDPOINT,
    config: PUBLIC,
    handler: async (_request, reply) =>
      noStore(reply).code(405).header('allow', 'POST').send({ error: 'invalid_request', error_description: 'The token endpoint only accepts POST requests.' }),
  });
}
