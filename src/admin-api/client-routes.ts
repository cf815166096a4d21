// Clients (Simple OAuth's consumers): list, read, create, change, rotate the secret, delete;
// their active grants, revoked one or all. The secret is shown at creation and rotation only.
import type { FastifyInstance } from 'fastify';
import { actAsNames, createClient, deleteClient, revokeClientGrants, rotateClientSecret, updateClient, type ClientInput } from '../admin/clients.js';
import { revokeGrant } from '../admin/grants.js';
import { NotFoundError } from '../admin/validation-error.js';
import { nowSeconds } from '../clock.js';
import type { Client } from '../domain/client.js';
import { PERMISSIONS } from '../domain/permissions.js';
import type { AdminApi } from './admin-api.js';
import { DELEGATION_RULE, ERROR_RESPONSES } from './schemas.js';
import { clientView, grantView } from '../admin/views.js';

const clientIdParam = {
  type: 'object',
  required: ['clientId'],
  properties: { clientId: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._~-]+$' } },
} as const;
const errors = ERROR_RESPONSES;

export async function clientRoutes(app: FastifyInstance, { api }: { api: AdminApi }): Promise<void> {
  const { services, ctx, guarded, actor } = api;
  const { store } = services;
  const need = PERMISSIONS.administerClients;

  /** the client as shown: `actAs` as user names */
  const view = async (client: Client) => ({
    ...clientView(client),
    actAs: await actAsNames(store, client),
    // registered at /oauth/register (RFC 7591), not by an administrator
    registered: (await store.registrations.get(client.clientId)) !== null,
  });

  async function existing(clientId: string) {
    const client = await store.clients.get(clientId);
    if (!client) throw new NotFoundError(`no client "${clientId}" exists`);
    return client;
  }

  app.get('/clients', guarded(need, { summary: 'List clients', response: { 200: { type: 'array', items: { $ref: 'Client#' } }, ...errors } }), async () =>
    Promise.all((await store.clients.list()).map(view)),
  );

  app.post<{ Body: ClientInput }>(
    '/clients',
    guarded(need, {
      summary: 'Create a client',
      description: DELEGATION_RULE,
      body: { $ref: 'ClientInput#' },
      response: { 201: { $ref: 'ClientCreated#' }, ...errors },
    }),
    async (request, reply) => {
      const { client, secret } = await createClient(ctx, request.body, await actor(request));
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ client: await view(client), secret });
    },
  );

  app.get<{ Params: { clientId: string } }>(
    '/clients/:clientId',
    guarded(need, { summary: 'Read a client', params: clientIdParam, response: { 200: { $ref: 'Client#' }, ...errors } }),
    async (request) => view(await existing(request.params.clientId)),
  );

  app.patch<{ Params: { clientId: string }; Body: Omit<ClientInput, 'clientId' | 'secret'> }>(
    '/clients/:clientId',
    guarded(need, {
      summary: 'Change a client (fields left out stay as they are; disabling revokes its tokens)',
      description: DELEGATION_RULE,
      params: clientIdParam,
      body: { $ref: 'ClientPatch#' },
      response: { 200: { $ref: 'Client#' }, ...errors },
    }),
    async (request, reply) => {
      const { client, secret } = await updateClient(ctx, request.params.clientId, request.body, await actor(request));
      const shown = await view(client);
      return secret ? reply.header('cache-control', 'no-store').send({ ...shown, secret }) : shown;
    },
  );

  app.post<{ Params: { clientId: string } }>(
    '/clients/:clientId/secret',
    guarded(need, {
      summary: 'Rotate the secret: a new one is generated and shown once; the old one stops working and the client’s tokens are revoked',
      description: `Whoever sees the new secret can do all the client can. ${DELEGATION_RULE}`,
      params: clientIdParam,
      response: { 200: { type: 'object', required: ['secret'], properties: { secret: { type: 'string' } } }, ...errors },
    }),
    async (request, reply) => {
      const secret = await rotateClientSecret(ctx, request.params.clientId, await actor(request));
      return reply.header('cache-control', 'no-store').send({ secret });
    },
  );

  app.delete<{ Params: { clientId: string } }>(
    '/clients/:clientId',
    guarded(need, { summary: 'Delete a client and revoke its tokens', params: clientIdParam, response: { 204: { type: 'null' }, ...errors } }),
    async (request, reply) => {
      await deleteClient(ctx, request.params.clientId, await actor(request));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { clientId: string } }>(
    '/clients/:clientId/grants',
    guarded(need, {
      summary: 'The client’s active grants (refresh-token families)',
      params: clientIdParam,
      response: { 200: { type: 'array', items: { $ref: 'Grant#' } }, ...errors },
    }),
    async (request) => {
      await existing(request.params.clientId);
      return (await store.refreshTokens.active({ clientId: request.params.clientId }, nowSeconds(services.clock))).map(grantView);
    },
  );

  app.delete<{ Params: { clientId: string } }>(
    '/clients/:clientId/grants',
    guarded(need, { summary: 'Revoke every token of the client', params: clientIdParam, response: { 204: { type: 'null' }, ...errors } }),
    async (request, reply) => {
      await revokeClientGrants(ctx, request.params.clientId, await actor(request));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/grants/:id',
    guarded([PERMISSIONS.administerClients, PERMISSIONS.administerUsers], {
      summary: 'Revoke one grant: its refresh tokens and the access tokens issued from them',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' } } },
      response: { 204: { type: 'null' }, ...errors },
    }),
    async (request, reply) => {
      await revokeGrant(ctx, request.params.id, await actor(request));
      return reply.code(204).send();
    },
  );
}
