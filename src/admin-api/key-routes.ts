// Signing keys: their state (next, current, retired) and dates; rotate now.
import type { FastifyInstance } from 'fastify';
import type { SigningAlg } from '../crypto/keys.js';
import { PERMISSIONS } from '../domain/permissions.js';
import { rotateKey } from '../admin/keys.js';
import type { KeyUse } from '../store/store.js';
import type { AdminApi } from './admin-api.js';
import { ERROR_RESPONSES } from './schemas.js';
import { keyView } from '../admin/views.js';

const errors = ERROR_RESPONSES;

export async function keyRoutes(app: FastifyInstance, { api }: { api: AdminApi }): Promise<void> {
  const { services, ctx, guarded, actor } = api;
  const need = PERMISSIONS.administerKeys;

  app.get('/keys', guarded(need, { summary: 'List signing keys', response: { 200: { type: 'array', items: { $ref: 'Key#' } }, ...errors } }), async () =>
    (await services.store.keys.list()).map(keyView),
  );

  app.post<{ Body: { use?: KeyUse; alg?: SigningAlg } }>(
    '/keys/rotate',
    guarded(need, {
      summary: 'Rotate a signing key now: the published next key (or a new one) starts signing; the old one stays published until its tokens expire',
      body: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: { use: { type: 'string', enum: ['access', 'id'], default: 'access' }, alg: { type: 'string', enum: ['ES256', 'RS256', 'EdDSA'] } },
      },
      response: { 200: { $ref: 'Key#' }, ...errors },
    }),
    async (request) => keyView(await rotateKey(ctx, { use: request.body?.use ?? 'access', alg: request.body?.alg }, await actor(request))),
  );
}
