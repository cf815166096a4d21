// The admin API under /admin/api/v1: JSON, a Bearer token whose scopes grant the permission each
// operation names (administer clients, users, scopes, keys; view audit log). Every change is an
// operation of src/admin, the same as the CLI's and the console's, which audits and revokes by
// itself: routes only translate JSON in and out. Errors: { error, message, field? }.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { userActor, type Actor } from '../admin/actor.js';
import { ForbiddenError, InUseError, NotFoundError, ValidationError } from '../admin/validation-error.js';
import type { AdminContext } from '../admin/admin-context.js';
import { PermissionSet } from '../domain/access.js';
import { installErrorHandler } from '../http/error-handler.js';
import type { PERMISSIONS } from '../domain/permissions.js';
import { principalAccess } from '../resource/principal-access.js';
import { resourceErrors } from '../resource/resource-errors.js';
import { BEARER, sendResourceError } from '../resource/route-access.js';
import type { Services } from '../services.js';
// shared schemas are added at the root by installOpenApi
import { accessRoutes } from './access-routes.js';
import { apiKeyRoutes } from './api-key-routes.js';
import { auditRoutes } from './audit-routes.js';
import { clientRoutes } from './client-routes.js';
import { keyRoutes } from './key-routes.js';
import { userRoutes } from './user-routes.js';
import { gateRouteRoutes } from './gate-route-routes.js';

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

export interface AdminApi {
  services: Services;
  ctx: AdminContext;
  /** route options for an operation needing `permission` (also documents it) */
  guarded(
    permission: Permission | Permission[],
    schema: Record<string, unknown>,
  ): { config: typeof BEARER; schema: Record<string, unknown>; preHandler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> };
  /** who makes the change: the token's user with what the token grants (user ∩ scopes), from this request's address */
  actor(request: FastifyRequest): Promise<Actor>;
}

export function apiError(reply: FastifyReply, status: number, error: string, message: string, field?: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send(field ? { error, message, field } : { error, message });
}

export async function adminApi(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const ctx: AdminContext = services.admin;

  const guarded: AdminApi['guarded'] = (permission, schema) => {
    const needed = Array.isArray(permission) ? permission : [permission];
    return {
      config: BEARER,
      schema: {
        tags: ['admin'],
        security: [{ bearer: [] }],
        ...schema,
        description: [`Needs a token granting ${needed.map((p) => `"${p}"`).join(' or ')}.`, schema.description].filter(Boolean).join(' '),
      },
      preHandler: async (request, reply) => {
        const viewer = await principalAccess(services.store, services.catalog, request.principal!);
        if (!viewer || !needed.some((p) => viewer.access.permissions.has(p))) return sendResourceError(reply, resourceErrors.insufficientScope(needed[0]));
      },
    };
  };

  installErrorHandler(app, {
    label: 'admin API',
    known: (error, reply) => {
      if (error.validation) {
        const first = error.validation[0];
        const field = first?.instancePath
          ? first.instancePath.slice(1).replace(/\//g, '.')
          : ((first?.params as { missingProperty?: string; additionalProperty?: string })?.missingProperty ??
            (first?.params as { additionalProperty?: string })?.additionalProperty);
        return apiError(
          reply,
          400,
          'validation_failed',
          `${error.validationContext ?? 'body'}${field ? `.${field}` : ''} ${first?.message ?? 'is invalid'}`,
          field,
        );
      }
      if (error instanceof ForbiddenError) return apiError(reply, 403, 'forbidden', error.message, error.field);
      if (error instanceof InUseError) return apiError(reply, 409, 'in_use', error.message, error.field);
      if (error instanceof ValidationError) return apiError(reply, 400, 'validation_failed', error.message, error.field);
      if (error instanceof NotFoundError) return apiError(reply, 404, 'not_found', error.message);
      return undefined;
    },
    clientError: (error, reply) => apiError(reply, error.statusCode ?? 400, 'invalid_request', error.message),
    unavailable: (reply) => apiError(reply, 503, 'unavailable', 'The database is unavailable. Try again shortly.'),
    unexpected: (reply) => apiError(reply, 500, 'server_error', 'The server encountered an unexpected condition.'),
  });
  app.setNotFoundHandler((_request, reply) => apiError(reply, 404, 'not_found', 'No such admin API operation.'));
  // JSON Schema's `integer` admits Infinity (`?offset=1e309`), which no database can bind:
  // refused like any other invalid query value, before SQL sees it
  app.addHook('preHandler', async (request, reply) => {
    for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'number' && !Number.isFinite(value))
        return apiError(reply, 400, 'validation_failed', `querystring.${name} must be a finite number`, name);
    }
  });

  const actor: AdminApi['actor'] = async (request) => {
    const viewer = await principalAccess(services.store, services.catalog, request.principal!);
    // the guard found this user a moment ago; gone since: they may hand out nothing
    return userActor(request.principal!.uid, viewer ? viewer.access.permissions : PermissionSet.of([]), { endpoint: 'admin-api', ip: request.ip });
  };

  const api: AdminApi = { services, ctx, guarded, actor };
  await app.register(clientRoutes, { api });
  await app.register(userRoutes, { api });
  await app.register(accessRoutes, { api });
  await app.register(keyRoutes, { api });
  await app.register(auditRoutes, { api });
  await app.register(gateRouteRoutes, { api });
  await app.register(apiKeyRoutes, { api });
}
