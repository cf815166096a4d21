// POST /rest_api/access_token — miniOrange REST API Authentication (docs/compatibility.md §1): the
// password and client_credentials grants through the same grants and token service as /oauth/token,
// answered in the module's own vocabulary.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit-log.js';
import { installErrorHandler } from '../http/error-handler.js';
import { contentTypeOf, markBusy, noStore } from '../http/reply-helpers.js';
import { type AuthenticateClientDeps, authenticateClient, claimedClientId } from '../oauth/client-auth/index.js';
import type { GrantContext } from '../oauth/grants/grant-context.js';
import { OAuthFailure } from '../oauth/oauth-failure.js';
import { singleValuedParams, type Params } from '../oauth/params.js';
import { auditTokenRequest, dispatchGrant, requireGrantAllowed } from '../oauth/token-dispatch.js';
import { PUBLIC } from '../resource/route-access.js';
import {
  INVALID_HTTP_METHOD,
  INVALID_REQUEST,
  UNSUPPORTED_GRANT_TYPE,
  restApiErrors,
  restApiTooManyRequests,
  sendRestApiError,
  toRestApiError,
  type RestApiErrorResponse,
} from './rest-api-errors.js';

const ENDPOINT = '/rest_api/access_token';

const send = sendRestApiError;

/**
 * The module's own documentation writes `client_id= <id>` (a stray space) and `Username`: clients
 * copied from it must work, so identifiers are trimmed (as Drupal's login form trims names) and
 * `Username` stands for `username`. Passwords and secrets are never touched.
 */
function normalizeParams(params: Params): Params {
  const out: Record<string, string | undefined> = { ...params };
  if (out.username === undefined && out.Username !== undefined) out.username = out.Username;
  for (const name of ['grant_type', 'client_id', 'username']) {
    const value = out[name]?.trim();
    out[name] = value === '' ? undefined : value;
  }
  return out;
}

class RestApiRefusal extends Error {
  constructor(readonly answer: RestApiErrorResponse) {
    super(answer.body.error);
  }
}

/** What the miniOrange token endpoint uses; Services provides it. */
export type RestApiAuthDeps = Omit<GrantContext, 'ip'> & AuthenticateClientDeps & { audit: AuditLog };

export async function restApiAuth(app: FastifyInstance, options: { services: RestApiAuthDeps }): Promise<void> {
  const { services } = options;

  installErrorHandler(app, restApiErrors('rest_api token endpoint'));

  app.post(ENDPOINT, { config: { ...PUBLIC, rateLimited: restApiTooManyRequests } }, async (request: FastifyRequest, reply: FastifyReply) => {
    let params: Params = {};
    try {
      const type = contentTypeOf(request);
      if (request.body !== undefined && type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
        throw new RestApiRefusal(INVALID_REQUEST('The request must be sent as application/x-www-form-urlencoded or application/json.'));
      }
      params = normalizeParams(singleValuedParams(request.body));
      const grantType = params.grant_type;
      if (grantType !== 'password' && grantType !== 'client_credentials') throw new RestApiRefusal(UNSUPPORTED_GRANT_TYPE());
      // a confidential client always proves itself (RFC 6749 §3.2.1), whatever the grant; a client
      // marked public uses miniOrange's password grant with client_id alone, and a secret it sends
      // anyway is ignored, as the module ignores it
      const { client } = await authenticateClient(services, { headers: request.headers, params }, { publicClientSecret: 'ignore' });
      requireGrantAllowed(client, grantType);
      const issued = await dispatchGrant({ ...services, ip: request.ip }, grantType, client, params, {
        actAs: grantType === 'client_credentials' ? params.username : undefined,
        refreshWithClientCredentials: true,
      });
      auditTokenRequest(services.audit, ENDPOINT, request.ip, grantType, client.clientId, { issued });
      const body: Record<string, unknown> = { status: 'success', access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn };
      if (issued.refreshToken) body.refresh_token = issued.refreshToken;
      return noStore(reply).send(body);
    } catch (error) {
      const claimed = claimedClientId({ headers: request.headers, params });
      auditTokenRequest(services.audit, ENDPOINT, request.ip, params.grant_type, claimed?.slice(0, 128), { error });
      if (error instanceof RestApiRefusal) return send(reply, error.answer);
      if (error instanceof OAuthFailure) return send(error.reason === 'server_busy' ? markBusy(reply) : reply, toRestApiError(error));
      throw error;
    }
  });

  app.route({
    method: ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: ENDPOINT,
    config: PUBLIC,
    exposeHeadRoute: false,
    handler: async (_request, reply) => send(reply, INVALID_HTTP_METHOD()),
  });
}
