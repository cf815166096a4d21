// API keys (issue 12 part 4): a user's keys listed, one created (the key in this answer only),
// one revoked. Needs "administer users": whoever may set a user's password may give them a key;
// the key still never reaches beyond its user (user permissions ∩ its scopes, at every request).
import type { FastifyInstance } from 'fastify';
import { apiKeyView, createApiKey, listApiKeys, revokeApiKey, type ApiKeyInput } from '../admin/api-keys.js';
import { nowSeconds } from '../clock.js';
import { PERMISSIONS } from '../domain/permissions.js';
import type { AdminApi } from './admin-api.js';
import { ERROR_RESPONSES } from './schemas.js';

const uidParam = { type: 'object', required: ['uid'], properties: { uid: { type: 'integer', minimum: 1 } } } as const;
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const errors = ERROR_RESPONSES;

export async function apiKeyRoutes(app: FastifyInstance, { api }: { api: AdminApi }): Promise<void> {
  const { services, ctx, guarded, actor } = api;
  const need = PERMISSIONS.administerUsers;
  const now = () => nowSeconds(services.clock);

  app.get<{ Params: { uid: number } }>(
    '/users/:uid/api-keys',
    guarded(need, {
      summary: 'The user’s API keys (never a key)',
      params: uidParam,
      response: { 200: { type: 'array', items: { $ref: 'ApiKey#' } }, ...errors },
    }),
    async (request) => (await listApiKeys(ctx, request.params.uid, await actor(request))).map((k) => apiKeyView(k, now())),
  );

  app.post<{ Params: { uid: number }; Body: ApiKeyInput | null }>(
    '/users/:uid/api-keys',
    guarded(need, {
      summary: 'Create an API key for the user; the key is in this answer only',
      params: uidParam,
      body: { $ref: 'ApiKeyInput#' },
      response: { 201: { $ref: 'ApiKeyCreated#' }, ...errors },
    }),
    async (request, reply) => {
      const { apiKey, key } = await createApiKey(ctx, request.params.uid, request.body ?? {}, await actor(request));
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ apiKey: apiKeyView(apiKey, now()), key });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api-keys/:id',
    guarded(need, { summary: 'Revoke an API key: refused everywhere from now on', params: idParam, response: { 204: { type: 'null' }, ...errors } }),
    async (request, reply) => {
      await revokeApiKey(ctx, request.params.id, await actor(request));
      return reply.code(204).send();
    },
  );
}
