// The public keys that verify Gatehouse's tokens (RFC 7517), at Simple OAuth's path and the
// well-known one. Retired keys stay until their last token has expired.
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../resource/route-access.js';
import type { KeyRing } from '../crypto/keys.js';

/** What the JWKS routes use; Services provides it. */
export interface JwksDeps {
  keys: Pick<KeyRing, 'jwks'>;
}

export async function jwksRoutes(app: FastifyInstance, options: { services: JwksDeps }): Promise<void> {
  const { keys } = options.services;
  for (const url of ['/oauth/jwks', '/.well-known/jwks.json']) {
    app.get(url, { config: PUBLIC }, async (_request, reply) =>
      // short cache: a resource server picks up a rotation within minutes, and refetches on an unknown kid
      reply.header('cache-control', 'public, max-age=300').send(keys.jwks()),
    );
  }
}
