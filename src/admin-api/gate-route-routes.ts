// Gate routes (issue 12): list, read, create or replace, delete — one route at a time, checked
// against the others as a set. A change is announced: every instance uses it within a second.
import type { FastifyInstance } from 'fastify';
import { gateRouteItem } from '../admin/gate-route-schema.js';
import { deleteRoute, getRoute, listRoutes, putRoute } from '../admin/gate-routes.js';
import { gateRouteDocument } from '../domain/gate-route.js';
import { PERMISSIONS } from '../domain/permissions.js';
import type { AdminApi } from './admin-api.js';
import { ERROR_RESPONSES } from './schemas.js';

const errors = ERROR_RESPONSES;
const need = PERMISSIONS.administerGateRoutes;
const route = { ...gateRouteItem, description: 'A gate route; fields left at their defaults are omitted' };
const routeBody = { ...gateRouteItem, required: ['path'] };
const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f]+$' } },
};

export async function gateRouteRoutes(app: FastifyInstance, { api }: { api: AdminApi }): Promise<void> {
  const { ctx, guarded, actor } = api;

  app.get('/routes', guarded(need, { summary: 'List gate routes, in order', response: { 200: { type: 'array', items: route }, ...errors } }), async () =>
    (await listRoutes(ctx)).map(gateRouteDocument),
  );

  app.get<{ Params: { name: string } }>(
    '/routes/:name',
    guarded(need, { summary: 'Read a gate route', params: nameParam, response: { 200: route, ...errors } }),
    async (request) => gateRouteDocument(await getRoute(ctx, request.params.name)),
  );

  app.put<{ Params: { name: string }; Body: Record<string, unknown> }>(
    '/routes/:name',
    guarded(need, {
      summary: 'Create or replace a gate route',
      description:
        "The name comes from the path (a `name` in the body must be the same). Refused with 400 naming the field: a path under Gatehouse's own endpoints, a non-http(s) upstream, a bad CIDR, an unknown method, or the same path and a common method as another route.",
      params: nameParam,
      body: routeBody,
      response: { 200: route, ...errors },
    }),
    async (request) => {
      const { route: saved } = await putRoute(ctx, request.params.name, { name: request.params.name, ...request.body }, await actor(request));
      return gateRouteDocument(saved);
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/routes/:name',
    guarded(need, { summary: 'Delete a gate route', params: nameParam, response: { 204: { type: 'null' }, ...errors } }),
    async (request, reply) => {
      await deleteRoute(ctx, request.params.name, await actor(request));
      return reply.code(204).send();
    },
  );
}
