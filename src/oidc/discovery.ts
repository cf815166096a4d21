// Server metadata: OpenID Connect Discovery 1.0 and RFC 8414, listing exactly what is supported.
import type { FastifyInstance } from 'fastify';
import { GRANT_TYPES } from '../domain/grant-types.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { EMAIL_CLAIMS, PROFILE_CLAIMS } from './claims.js';

export function serverMetadata(services: Services): Record<string, unknown> {
  const { issuer } = services.config;
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    jwks_uri: `${issuer}/oauth/jwks`,
    end_session_endpoint: `${issuer}/oauth/logout`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    scopes_supported: [...services.catalog.scopes.keys()].sort(),
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: [...GRANT_TYPES],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [services.keys.signingKey('id').alg],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', ...PROFILE_CLAIMS, ...EMAIL_CLAIMS],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
  };
}

export async function discoveryRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  for (const url of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.get(url, { config: PUBLIC }, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(serverMetadata(options.services)));
  }
}
