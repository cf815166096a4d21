// GET /oauth/debug — Simple OAuth's token debugger: the token's user id, roles, and every known
// permission with whether this token grants it.
import type { FastifyInstance } from 'fastify';
import type { AccessCatalog } from '../domain/access.js';
import { BUILT_IN_PERMISSIONS } from '../domain/permissions.js';
import { resourceErrors } from '../resource/resource-errors.js';
import { BEARER, sendResourceError } from '../resource/route-access.js';
import { principalAccess } from '../resource/principal-access.js';
import type { Store } from '../store/store.js';

/** What the token debugger uses; Services provides it. */
export interface DebugRouteDeps {
  store: Store;
  catalog: AccessCatalog;
}

export async function debugRoute(app: FastifyInstance, options: { services: DebugRouteDeps }): Promise<void> {
  const { store, catalog } = options.services;

  app.get('/oauth/debug', { config: BEARER }, async (request, reply) => {
    const principal = request.principal!;
    const found = await principalAccess(store, catalog, principal);
    if (!found) return sendResourceError(reply, resourceErrors.invalidToken());
    const known = new Set<string>(BUILT_IN_PERMISSIONS);
    for (const role of catalog.roles.values()) for (const p of role.permissions) known.add(p);
    for (const scope of catalog.scopes.values()) if (scope.permission) known.add(scope.permission);
    const permissions: Record<string, { title: string; access: boolean }> = {};
    for (const name of [...known].sort()) permissions[name] = { title: name, access: found.access.permissions.has(name) };
    return reply.header('cache-control', 'no-store').send({
      id: String(principal.uid),
      client_id: principal.clientId,
      scope: principal.scopes.join(' '),
      roles: found.access.roles,
      permissions,
    });
  });
}
