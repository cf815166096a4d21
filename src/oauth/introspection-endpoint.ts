// POST /oauth/introspect (RFC 7662): for an authenticated confidential client, whether a token
// is active and, if so, what it carries. Anything not active is `{"active":false}` and nothing
// more. Refresh tokens are shown only to the client they were issued to.
import { REGISTERED_CLAIMS } from '../domain/claim-mapping.js';
import type { FastifyInstance } from 'fastify';
import { contentTypeOf, noStore } from '../http/reply-helpers.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Config } from '../config.js';
import type { UserRepository } from '../store/store.js';
import type { AuthenticateClientDeps } from './client-auth/index.js';
import { OAuthFailure } from './oauth-failure.js';
import { authenticatedFormRequest } from './oauth-request.js';
import { oauthErrors, oauthTooManyRequests, sendOAuthFailure } from './rfc6749-error.js';
import { installErrorHandler } from '../http/error-handler.js';
import { findLiveToken, type TokenLookupDeps } from './token-lookup.js';

/** What introspection uses; Services provides it. */
export interface IntrospectionDeps extends TokenLookupDeps, AuthenticateClientDeps {
  store: TokenLookupDeps['store'] & AuthenticateClientDeps['store'] & { users: Pick<UserRepository, 'findById'> };
  config: Pick<Config, 'issuer' | 'audience'>;
}

export async function introspectionEndpoint(app: FastifyInstance, options: { services: IntrospectionDeps }): Promise<void> {
  const { services } = options;
  installErrorHandler(app, oauthErrors('introspection'));

  app.post('/oauth/introspect', { config: { ...PUBLIC, rateLimited: oauthTooManyRequests } }, async (request, reply) => {
    const usedBasic = /^basic\s/i.test(request.headers.authorization ?? '');
    try {
      const { params, client } = await authenticatedFormRequest(services, request, contentTypeOf(request));
      if (!client.confidential) throw new OAuthFailure('invalid_client_auth', 'Only confidential clients may introspect tokens.');
      if (params.token === undefined) throw OAuthFailure.missing('token');
      const found = await findLiveToken(services, params.token, params.token_type_hint);
      if (!found || (found.kind === 'refresh' && found.row.clientId !== client.clientId)) return noStore(reply).send({ active: false });
      if (found.kind === 'access') {
        const { claims, uid } = found.principal;
        const user = await services.store.users.findById(uid);
        return noStore(reply).send({
          // the custom claims the token carries (issue 14), then the registered ones
          ...Object.fromEntries(Object.entries(claims).filter(([name]) => !REGISTERED_CLAIMS.has(name))),
          active: true,
          scope: claims.scope,
          client_id: claims.client_id,
          username: user?.name,
          token_type: 'Bearer',
          exp: claims.exp,
          iat: claims.iat,
          nbf: claims.nbf,
          sub: claims.sub,
          aud: claims.aud,
          iss: claims.iss,
          jti: claims.jti,
        });
      }
      const { row } = found;
      const user = await services.store.users.findById(row.userId);
      return noStore(reply).send({
        active: true,
        scope: row.scopes.join(' '),
        client_id: row.clientId,
        username: user?.name,
        token_type: 'refresh_token',
        exp: row.expiresAt,
        iat: row.issuedAt,
        sub: String(row.userId),
        iss: services.config.issuer,
      });
    } catch (error) {
      if (error instanceof OAuthFailure) return sendOAuthFailure(reply, error, usedBasic);
      throw error;
    }
  });
}
