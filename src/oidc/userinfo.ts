// GET|POST /oauth/userinfo (OIDC Core §5.3): the token's user, as its OIDC scopes allow.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resourceErrors } from '../resource/resource-errors.js';
import { BEARER, BEARER_OR_FORM_BODY, sendResourceError } from '../resource/route-access.js';
import type { Config } from '../config.js';
import type { AccessCatalog } from '../domain/access.js';
import { mappedClaims } from '../domain/claim-mapping.js';
import type { UserRepository } from '../store/store.js';

/** What userinfo uses; Services provides it. */
export interface UserinfoDeps {
  store: { users: Pick<UserRepository, 'findById'> };
  config: Pick<Config, 'issuer'>;
  catalog: Pick<AccessCatalog, 'claimMappings'>;
}
import { userClaims } from './claims.js';

export async function userinfoRoutes(app: FastifyInstance, options: { services: UserinfoDeps }): Promise<void> {
  const { store, config, catalog } = options.services;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = request.principal!;
    if (!principal.scopes.includes('openid')) return sendResourceError(reply, resourceErrors.insufficientScope('openid', 'scope'));
    const user = await store.users.findById(principal.uid);
    if (!user) return sendResourceError(reply, resourceErrors.invalidToken());
    // the ID-token claims of the granted scopes' mappings (issue 14), under the standard ones
    const mappings = catalog.claimMappings;
    const custom = mappings?.size ? mappedClaims(mappings.values(), user, principal.scopes, 'idToken') : {};
    return reply.header('cache-control', 'no-store').send({ ...custom, ...userClaims(user, principal.scopes, config.issuer) });
  };
  app.get('/oauth/userinfo', { config: BEARER }, handler);
  // RFC 6750 §2.2, as OIDC Core §5.3.1 allows: the token in a form-encoded body, here only
  app.post('/oauth/userinfo', { config: BEARER_OR_FORM_BODY }, handler);
}
