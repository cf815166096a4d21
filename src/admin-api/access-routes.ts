// Roles with their permissions, and scopes (Simple OAuth 6: permission or role granularity,
// allowed grant types, umbrella and parent). Writes are upserts by id or name.
import type { FastifyInstance } from 'fastify';
import { upsertRole, type RoleInput } from '../admin/roles.js';
import { upsertScope, type ScopeInput } from '../admin/scopes.js';
import { NotFoundError } from '../admin/validation-error.js';
import { PERMISSIONS } from '../domain/permissions.js';
import type { AdminApi } from './admin-api.js';
import { ERROR_RESPONSES } from './schemas.js';

const SCOPE_RULE =
  'Changing what a scope grants (permission, role, umbrella, parent, grant types) needs every permission it will grant, or "administer users": else 403 `forbidden` naming the missing permission.';

const errors = ERROR_RESPONSES;
const nameParam = (name: string) => ({
  type: 'object',
  required: [name],
  properties: { [name]: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f]+$' } },
});

export async function accessRoutes(app: FastifyInstance, { api }: { api: AdminApi }): Promise<void> {
  const { services, guarded, actor } = api;
  const { store } = services;

  app.get(
    '/roles',
    guarded(PERMISSIONS.administerUsers, { summary: 'List roles', response: { 200: { type: 'array', items: { $ref: 'Role#' } }, ...errors } }),
    async () => store.roles.list(),
  );

  app.put<{ Params: { id: string }; Body: Omit<RoleInput, 'id'> }>(
    '/roles/:id',
    guarded(PERMISSIONS.administerUsers, {
      summary: 'Create or replace a role',
      params: nameParam('id'),
      body: { $ref: 'Role#' },
      response: { 200: { $ref: 'Role#' }, ...errors },
    }),
    async (request) => {
      const outcome = await upsertRole(store, { ...request.body, id: request.params.id });
      services.audit.record({
        event: `admin.role.${outcome}`,
        outcome: 'success',
        userId: request.principal!.uid,
        clientId: null,
        ip: request.ip,
        endpoint: 'admin-api',
        detail: request.params.id,
      });
      await services.catalog.reload();
      return (await store.roles.get(request.params.id))!;
    },
  );

  app.get(
    '/scopes',
    guarded(PERMISSIONS.administerScopes, {
      summary: 'List scopes (stored ones; openid, profile and email are built in)',
      response: { 200: { type: 'array', items: { $ref: 'Scope#' } }, ...errors },
    }),
    async () => store.scopes.list(),
  );

  app.get<{ Params: { name: string } }>(
    '/scopes/:name',
    guarded(PERMISSIONS.administerScopes, { summary: 'Read a scope', params: nameParam('name'), response: { 200: { $ref: 'Scope#' }, ...errors } }),
    async (request) => {
      const scope = await store.scopes.get(request.params.name);
      if (!scope) throw new NotFoundError(`no scope "${request.params.name}" exists`);
      return scope;
    },
  );

  app.put<{ Params: { name: string }; Body: Omit<ScopeInput, 'name'> }>(
    '/scopes/:name',
    guarded(PERMISSIONS.administerScopes, {
      summary: 'Create or replace a scope',
      description: SCOPE_RULE,
      params: nameParam('name'),
      body: { $ref: 'Scope#' },
      response: { 200: { $ref: 'Scope#' }, ...errors },
    }),
    async (request) => {
      const outcome = await upsertScope(store, { ...request.body, name: request.params.name }, await actor(request));
      services.audit.record({
        event: `admin.scope.${outcome}`,
        outcome: 'success',
        userId: request.principal!.uid,
        clientId: null,
        ip: request.ip,
        endpoint: 'admin-api',
        detail: request.params.name,
      });
      await services.catalog.reload();
      return (await store.scopes.get(request.params.name))!;
    },
  );
}
