// Which routes need a token is decided by each route's own configuration, never by matching the
// URL; a route that does not say is refused outright (it never falls open).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BearerGuard, Principal } from './bearer-guard.js';
import { ResourceError, resourceErrors } from './resource-errors.js';

export type RouteAccess = { kind: 'public' } | { kind: 'bearer' };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const PUBLIC: { access: RouteAccess } = { access: { kind: 'public' } };
export const BEARER: { access: RouteAccess } = { access: { kind: 'bearer' } };

/** Where an encapsulated context keeps the access its routes get when they say none. */
const DEFAULT_ACCESS = Symbol('gatehouse.defaultRouteAccess');
type WithDefault = { [DEFAULT_ACCESS]?: RouteAccess };

/**
 * Routes registered in `context` and in the plugins it registers, when they carry no access
 * configuration of their own, get `access`: for a third-party plugin whose routes cannot be
 * configured one by one (the Swagger UI and the static files it serves). Call it only on an
 * encapsulated context (inside `app.register`): on the root it would open every route.
 */
export function defaultRouteAccess(context: FastifyInstance, access: RouteAccess): void {
  (context as unknown as WithDefault)[DEFAULT_ACCESS] = access;
}

export function sendResourceError(reply: FastifyReply, error: ResourceError): FastifyReply {
  return reply.code(error.status).header('www-authenticate', error.challenge).header('cache-control', 'no-store').send(error.body());
}

/** Installs the access policy on every route of `app` (call on the root instance). */
export function installRouteAccess(app: FastifyInstance, guard: BearerGuard): void {
  app.decorateRequest('principal', null);
  // `this` is the context the route is registered in; encapsulated contexts inherit from their parent
  app.addHook('onRoute', function (route) {
    if (route.config?.access !== undefined) return;
    const fallback = (this as unknown as WithDefault)[DEFAULT_ACCESS];
    if (fallback) route.config = { ...(route.config ?? {}), access: fallback };
    else app.log.warn({ url: route.url, method: route.method }, 'route has no access configuration: it will refuse every request');
  });
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access?.kind === 'public') return;
    if (access?.kind !== 'bearer') return sendResourceError(reply, resourceErrors.notConfigured());
    try {
      request.principal = await guard.authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof ResourceError) return sendResourceError(reply, error);
      throw error;
    }
  });
}
