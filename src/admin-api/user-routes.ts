// Users: search and page, read, create, change (block/unblock, roles, password, name, mail);
// their active grants, revoked one or all. Blocking, a new password or new roles revoke the
// user's tokens (src/admin/users.ts); the last active administrator cannot be locked out.
import type { FastifyInstance } from 'fastify';
import { createUser, resetSecondFactors, revokeUserGrants, updateUser, type UserInput } from '../admin/users.js';
import { NotFoundError } from '../admin/validation-error.js';
import { nowSeconds } from '../clock.js';
import { PERMISSIONS } from '../domain/permissions.js';
import { ANONYMOUS_UID } from '../domain/user.js';
import type { AdminApi } from './admin-api.js';
import { ERROR_RESPONSES } from './schemas.js';
import { grantView, userView } from '../admin/views.js';

const uidParam = { type: 'object', required: ['uid'], properties: { uid: { type: 'integer', minimum: 1 } } } as const;
const errors = ERROR_RESPONSES;

export async function userRoutes(app: FastifyInstance, { api }: { api: AdminApi }): Promise<void> {
  const { services, ctx, guarded, actor } = api;
  const { store } = services;
  const need = PERMISSIONS.administerUsers;

  async function existing(uid: number) {
    const user = uid === ANONYMOUS_UID ? null : await store.users.findById(uid);
    if (!user) throw new NotFoundError(`no user ${uid} exists`);
    return user;
  }

  app.get<{ Querystring: { query?: string; limit: number; offset: number } }>(
    '/users',
    guarded(need, {
      summary: 'Search users by name or mail, a page at a time',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          query: { type: 'string', maxLength: 254 },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          offset: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 },
        },
      },
      response: {
        200: { type: 'object', required: ['users', 'total'], properties: { users: { type: 'array', items: { $ref: 'User#' } }, total: { type: 'integer' } } },
        ...errors,
      },
    }),
    async (request) => {
      const { users, total } = await store.users.search(request.query);
      return { users: users.map(userView), total };
    },
  );

  app.post<{ Body: UserInput }>(
    '/users',
    guarded(need, { summary: 'Create a user', body: { $ref: 'UserInput#' }, response: { 201: { $ref: 'UserCreated#' }, ...errors } }),
    async (request, reply) => {
      const { user, password } = await createUser(ctx, request.body, await actor(request));
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ user: userView(user), password });
    },
  );

  app.get<{ Params: { uid: number } }>(
    '/users/:uid',
    guarded(need, { summary: 'Read a user', params: uidParam, response: { 200: { $ref: 'User#' }, ...errors } }),
    async (request) => userView(await existing(request.params.uid)),
  );

  app.patch<{ Params: { uid: number }; Body: Partial<UserInput> }>(
    '/users/:uid',
    guarded(need, {
      summary: 'Change a user (fields left out stay as they are)',
      params: uidParam,
      body: { $ref: 'UserPatch#' },
      response: { 200: { $ref: 'User#' }, ...errors },
    }),
    async (request) => userView(await updateUser(ctx, request.params.uid, request.body, await actor(request))),
  );

  app.get<{ Params: { uid: number } }>(
    '/users/:uid/grants',
    guarded(need, {
      summary: 'The user’s active grants (refresh-token families)',
      params: uidParam,
      response: { 200: { type: 'array', items: { $ref: 'Grant#' } }, ...errors },
    }),
    async (request) => {
      await existing(request.params.uid);
      return (await store.refreshTokens.active({ userId: request.params.uid }, nowSeconds(services.clock))).map(grantView);
    },
  );

  app.delete<{ Params: { uid: number } }>(
    '/users/:uid/factors',
    guarded(need, {
      summary: "Reset the user's second factors",
      description:
        'Removes their TOTP authenticator, recovery codes and passkeys (a lost phone or security key). Audited as admin.user.factors_reset. A role with mfaRequired leads them through enrolment at their next login.',
      params: uidParam,
      response: { 204: { type: 'null' }, ...errors },
    }),
    async (request, reply) => {
      await resetSecondFactors(ctx, request.params.uid, await actor(request));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { uid: number } }>(
    '/users/:uid/grants',
    guarded(need, { summary: 'Revoke every token of the user', params: uidParam, response: { 204: { type: 'null' }, ...errors } }),
    async (request, reply) => {
      await revokeUserGrants(ctx, request.params.uid, await actor(request));
      return reply.code(204).send();
    },
  );
}
