// Server metadata: OpenID Connect Discovery 1.0 and RFC 8414, listing exactly what is supported.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { KeyRing } from '../crypto/keys.js';
import type { AccessCatalog } from '../domain/access.js';
import { GRANT_TYPES, grantTypeOnWire } from '../domain/grant-types.js';
import { clientAuthMethodNames } from '../oauth/client-auth/index.js';
import { PUBLIC } from '../resource/route-access.js';
import { ACR_VALUES_SUPPORTED, USER_CLAIMS } from './claims.js';

/** What discovery uses; Services provides it. */
export interface DiscoveryDeps {
  config: Pick<Config, 'issuer' | 'registration'>;
  catalog: AccessCatalog;
  keys: Pick<KeyRing, 'signingKey'>;
}

export function serverMetadata(services: DiscoveryDeps): Record<string, unknown> {
  const { issuer } = services.config;
  // RFC 8414 §2: listed only when clients may register
  const registration = services.config.registration === 'off' ? {} : { registration_endpoint: `${issuer}/oauth/register` };
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    jwks_uri: `${issuer}/oauth/jwks`,
    end_session_endpoint: `${issuer}/oauth/logout`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    device_authorization_endpoint: `${issuer}/oauth/device_authorization`,
    ...registration,
    // from the registry (src/oauth/client-auth/); introspection is for confidential clients only
    introspection_endpoint_auth_methods_supported: clientAuthMethodNames('confidential'),
    revocation_endpoint_auth_methods_supported: clientAuthMethodNames(),
    scopes_supported: [...services.catalog.scopes.keys()].sort(),
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: GRANT_TYPES.map(grantTypeOnWire),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [services.keys.signingKey('id').alg],
    token_endpoint_auth_methods_supported: clientAuthMethodNames(),
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'acr', 'amr', ...USER_CLAIMS],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: true,
    acr_values_supported: [...ACR_VALUES_SUPPORTED],
  };
}

export async function discoveryRoutes(app: FastifyInstance, options: { services: DiscoveryDeps }): Promise<void> {
  for (const url of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.get(url, { config: PUBLIC }, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(serverMetadata(options.services)));
  }
}
