// GET /user/{id}?_format=json — Drupal core REST's user resource (docs/compatibility.md §6),
// behind the bearer guard. Access is decided with the token's effective permissions; when the user
// could see the account but the token's scopes do not allow it, the answer names the permission.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PERMISSIONS } from '../domain/permissions.js';
import { parseUid } from '../domain/user.js';
import { resourceErrors } from '../resource/resource-errors.js';
import { BEARER, sendResourceError } from '../resource/route-access.js';
import { principalAccess } from '../resource/principal-access.js';
import type { AccessCatalog } from '../domain/access.js';
import type { Store } from '../store/store.js';

/** What the user resource uses; Services provides it. */
export interface DrupalUserRouteDeps {
  store: Store;
  catalog: AccessCatalog;
}
import { canViewUser, negotiateFormat, normalizeUser } from './drupal-user.js';

function drupalError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ message });
}

export async function drupalUserRoute(app: FastifyInstance, options: { services: DrupalUserRouteDeps }): Promise<void> {
  const { store, catalog } = options.services;

  app.get('/user/:id', { config: BEARER }, async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const principal = request.principal!;
    if (negotiateFormat(request.query) !== 'json') return drupalError(reply, 406, 'Not acceptable format: only _format=json is served.');
    const uid = parseUid(request.params.id);
    const target = uid === null ? null : await store.users.findById(uid);
    if (!target) return drupalError(reply, 404, 'The requested user could not be found.');
    const viewer = await principalAccess(store, catalog, principal);
    if (!viewer) return sendResourceError(reply, resourceErrors.invalidToken());
    if (!canViewUser({ uid: principal.uid, permissions: viewer.access.permissions }, target)) {
      if (canViewUser({ uid: principal.uid, permissions: viewer.userPermissions }, target)) {
        const needed =
          viewer.userPermissions.has(PERMISSIONS.accessUserProfiles) && target.status ? PERMISSIONS.accessUserProfiles : PERMISSIONS.administerUsers;
        return sendResourceError(reply, resourceErrors.insufficientScope(needed));
      }
      return drupalError(reply, 403, "You are not authorized to view this user's account.");
    }
    return reply.header('cache-control', 'no-store').send(normalizeUser(target, { uid: principal.uid, permissions: viewer.access.permissions }, catalog.roles));
  });
}
