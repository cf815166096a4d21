// Which routes need a token is decided by each route's own configuration, never by matching the
// URL; a route that does not say is refused outright (it never falls open).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BearerGuard, Principal } from './bearer-guard.js';
import { ResourceError, resourceErrors } from './resource-errors.js';

/** `formBody`: the token may also come as `access_token` in a form-encoded body (RFC 6750 §2.2) */
export type RouteAccess = { kind: 'public' } | { kind: 'bearer'; formBody?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyReply {
    /** RFC 9728 §5.1: the protected-resource metadata URL a 401 challenge names; null: none */
    resourceMetadata: string | null;
  }
}

export const PUBLIC: { access: RouteAccess } = { access: { kind: 'public' } };
export const BEARER: { access: RouteAccess } = { access: { kind: 'bearer' } };
/** For the one route where OpenID Connect asks for it (userinfo, OIDC Core §5.3.1): header or form body. */
export const BEARER_OR_FORM_BODY: { access: RouteAccess } = { access: { kind: 'bearer', formBody: true } };

/**
 * The Authorization header to check: the request's own, or the form body's `access_token` as a
 * Bearer header where the route allows it (RFC 6750 §2.2). Both at once are refused (§2).
 */
function authorizationOf(request: FastifyRequest, access: RouteAccess): string | undefined {
  const header = request.headers.authorization;
  if (access.kind !== 'bearer' || !access.formBody) return header;
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) return header;
  const body = request.body as Record<string, unknown> | undefined;
  const token = body?.access_token;
  if (token === undefined) return header;
  if (header !== undefined) throw resourceErrors.twoMethods();
  // a repeated parameter or a non-string is no token at all
  if (typeof token !== 'string' || token === '') throw resourceErrors.invalidToken();
  return `Bearer ${token}`;
}

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
  // RFC 9728 §5.1: a 401 says where to learn how to get a token
  const challenge = error.status === 401 && reply.resourceMetadata ? `${error.challenge}, resource_metadata="${reply.resourceMetadata}"` : error.challenge;
  return reply.code(error.status).header('www-authenticate', challenge).header('cache-control', 'no-store').send(error.body());
}

/**
 * Installs the access policy on every route of `app` (call on the root instance); its 401
 * challenges name `resourceMetadata` (RFC 9728) when given.
 */
export function installRouteAccess(app: FastifyInstance, guard: BearerGuard, resourceMetadata: string | null = null): void {
  app.decorateRequest('principal', null);
  app.decorateReply('resourceMetadata', resourceMetadata);
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
      request.principal = await guard.authenticate(authorizationOf(request, access));
    } catch (error) {
      if (error instanceof ResourceError) return sendResourceError(reply, error);
      throw error;
    }
  });
}
