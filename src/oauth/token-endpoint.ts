// POST /oauth/token (RFC 6749 §3.2): parse, authenticate the client, run the grant, answer in
// RFC 6749 §5 vocabulary with Simple OAuth's shapes (docs/compatibility.md §3).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { grantTypeFromWire } from '../domain/grant-types.js';
import { contentTypeOf, noStore } from '../http/reply-helpers.js';
import { PUBLIC } from '../resource/route-access.js';
import type { AuditLog } from '../audit-log.js';
import { type AuthenticateClientDeps, authenticateClient, claimedClientId } from './client-auth/index.js';
import type { GrantContext } from './grants/grant-context.js';
import { OAuthFailure } from './oauth-failure.js';
import { readFormParams } from './oauth-request.js';
import { oauthErrors, oauthTooManyRequests, sendOAuthFailure } from './rfc6749-error.js';
import { installErrorHandler } from '../http/error-handler.js';
import type { Params } from './params.js';
import { auditTokenRequest, dispatchGrant } from './token-dispatch.js';

const ENDPOINT = '/oauth/token';

/** What the token endpoint uses; Services provides it. */
export type TokenEndpointDeps = Omit<GrantContext, 'ip'> & AuthenticateClientDeps & { audit: AuditLog };

export async function tokenEndpoint(app: FastifyInstance, options: { services: TokenEndpointDeps }): Promise<void> {
  const { services } = options;

  installErrorHandler(app, oauthErrors('token endpoint'));

  app.post(ENDPOINT, { config: { ...PUBLIC, rateLimited: oauthTooManyRequests } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const usedBasic = /^basic\s/i.test(request.headers.authorization ?? '');
    let params: Params = {};
    let clientId: string | undefined;
    try {
      params = readFormParams(request.body, contentTypeOf(request));
      if (params.grant_type === undefined) throw OAuthFailure.missing('grant_type');
      const grantType = grantTypeFromWire(params.grant_type);
      if (grantType === null) throw new OAuthFailure('unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
      const presented = { headers: request.headers, params };
      clientId = claimedClientId(presented);
      const { client } = await authenticateClient(services, presented);
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
      if (error instanceof OAuthFailure) return sendOAuthFailure(reply, error, usedBasic);
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
