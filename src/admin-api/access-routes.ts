// Roles with their permissions, and scopes (Simple OAuth 6: permission or role granularity,
// allowed grant types, umbrella and parent). Writes are upserts by id or name; a role or scope
// still in use cannot be deleted (409 naming who holds it).
import type { FastifyInstance } from 'fastify';
import { deleteRole, upsertRole, type RoleInput } from '../admin/roles.js';
import { deleteScope, upsertScope, type ScopeInput } from '../admin/scopes.js';
import { NotFoundError } from '../admin/validation-error.js';
import { PERMISSIONS } from '../domain/permissions.js';
import type { AdminApi } from './admin-api.js';
import { ERROR_RESPONSES } from './schemas.js';

const SCOPE_RULE =
  'Changing what a scope grants (permission, role, umbrella, parent, grant types) needs every permission it will grant, or "administer users": else 403 `forbidden` naming the missing permission.';

const errors = ERROR_RESPONSES;
const inUse = { 409: { $ref: 'Error#', description: '`in_use`: still held; the message names by whom' } } as const;
const nameParam = (name: string) => ({
  type: 'object',
  required: [name],
  properties: { [name]: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f]+$' } },
});

export async function accessRoutes(app: FastifyInstance, { api }: { api: AdminApi }): Promise<void> {
  const { services, ctx, guarded, actor } = api;
  const { store } = services;

  async function existingRole(id: string) {
    const role = await store.roles.get(id);
    if (!role) throw new NotFoundError(`no role "${id}" exists`);
    return role;
  }

  async function existingScope(name: string) {
    const scope = await store.scopes.get(name);
    if (!scope) throw new NotFoundError(`no scope "${name}" exists`);
    return scope;
  }

  app.get(
    '/roles',
    guarded(PERMISSIONS.administerUsers, { summary: 'List roles', response: { 200: { type: 'array', items: { $ref: 'Role#' } }, ...errors } }),
    async () => store.roles.list(),
  );

  app.get<{ Params: { id: string } }>(
    '/roles/:id',
    guarded(PERMISSIONS.administerUsers, { summary: 'Read a role', params: nameParam('id'), response: { 200: { $ref: 'Role#' }, ...errors } }),
    async (request) => existingRole(request.params.id),
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
      await upsertRole(ctx, { ...request.body, id: request.params.id }, await actor(request));
      return existingRole(request.params.id);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/roles/:id',
    guarded(PERMISSIONS.administerUsers, {
      summary: 'Delete a role no user holds and no scope grants (administrator and authenticated are built in)',
      params: nameParam('id'),
      response: { 204: { type: 'null' }, ...errors, ...inUse },
    }),
    async (request, reply) => {
      await deleteRole(ctx, request.params.id, await actor(request));
      return reply.code(204).send();
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
    async (request) => existingScope(request.params.name),
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
      await upsertScope(ctx, { ...request.body, name: request.params.name }, await actor(request));
      return existingScope(request.params.name);
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/scopes/:name',
    guarded(PERMISSIONS.administerScopes, {
      summary: 'Delete a scope no client lists and no scope has as its parent (openid, profile and email are built in)',
      params: nameParam('name'),
      response: { 204: { type: 'null' }, ...errors, ...inUse },
    }),
    async (request, reply) => {
      await deleteScope(ctx, request.params.name, await actor(request));
      return reply.code(204).send();
    },
  );
}
