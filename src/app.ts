// buildApp(config, store) → a ready Fastify instance with every route; no listen, so tests and
// embedders start it on whatever port they like.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { drupalUserRoute } from './compat/drupal-user-route.js';
import { restApiAuth } from './compat/rest-api-auth.js';
import { clientErrorHandler } from './http/client-error.js';
import { installErrorHandler } from './http/error-handler.js';
import { loggerOptions } from './http/logger.js';
import { capConnections, connectionOptions } from './http/connection-limits.js';
import { installSecurityHeaders, refuseBeforeRouting } from './http/security-headers.js';
import { debugRoute } from './oauth/debug.js';
import { jwksRoutes } from './oauth/jwks.js';
import { installRateLimit } from './limits/rate-limit.js';
import { metricsRoutes } from './metrics-routes.js';
import { adminApi } from './admin-api/admin-api.js';
import { consoleRoutes } from './web/admin/console-routes.js';
import { installOpenApi } from './admin-api/openapi.js';
import { VERSION } from './version.js';
import { tokenEndpoint } from './oauth/token-endpoint.js';
import { authorizeEndpoint } from './oauth/authorize-endpoint.js';
import { introspectionEndpoint } from './oauth/introspection-endpoint.js';
import { revocationEndpoint } from './oauth/revocation-endpoint.js';
import { restApiRevoke } from './compat/rest-api-revoke.js';
import { discoveryRoutes } from './oidc/discovery.js';
import { endSessionRoutes } from './oidc/end-session.js';
import { userinfoRoutes } from './oidc/userinfo.js';
import { appsRoutes } from './web/apps-routes.js';
import { accountEditRoutes } from './web/account-edit-routes.js';
import { landingRoutes } from './web/landing-routes.js';
import { loginRoutes } from './web/login-routes.js';
import { passkeyLoginRoutes } from './web/passkey-login-routes.js';
import { passkeyManagementRoutes } from './web/passkey-management-routes.js';
import { secondFactorRoutes } from './web/second-factor-routes.js';
import { securityRoutes } from './web/security-routes.js';
import { loginStatusRoute } from './web/json-login.js';
import { registerRoutes } from './web/register-routes.js';
import { passwordRoutes } from './web/password-routes.js';
import { deviceRoutes } from './web/device-routes.js';
import { deviceAuthorizationEndpoint } from './oauth/device-authorization-endpoint.js';
import { registrationEndpoint } from './oauth/registration/registration-endpoint.js';
import { installRouteAccess, PUBLIC } from './resource/route-access.js';
import { gateCheckRoutes } from './gate/gate-check.js';
import { gateProxy } from './gate/gate-proxy.js';
import { PROTECTED_RESOURCE_PATH, protectedResourceRoutes } from './resource/protected-resource-metadata.js';
import { createServices, type Services } from './services.js';
import { UNAVAILABLE_RETRY_AFTER } from './store/store-unavailable.js';
import type { Store } from './store/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    gatehouse: Services;
  }
}

export interface BuildOptions {
  config: Config;
  store: Store;
  clock?: Clock;
  /** a pino destination or options; defaults to stdout at config.logLevel */
  logger?: boolean | object;
}

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config, store } = options;
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.logLevel, config.logFormat),
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    ...connectionOptions(config.http),
    frameworkErrors: refuseBeforeRouting,
    genReqId: () => randomUUID(),
    clientErrorHandler,
    // an unknown field is refused with its name (a typo must not be dropped in silence)
    ajv: { customOptions: { removeAdditional: false } },
  });
  capConnections(app.server, config.http);
  const services = createServices(config, store, options.clock ?? systemClock, app.log);
  app.decorate('gatehouse', services);

  installSecurityHeaders(app);
  await app.register(formbody, { bodyLimit: config.bodyLimit });
  await app.register(cookie);
  installRouteAccess(app, services.guard, `${config.issuer}${PROTECTED_RESOURCE_PATH}`);
  await installRateLimit(app, config, services.shared);
  // counting costs every request a little: only when someone can read the counts
  if (config.metricsToken || config.metricsPort !== null) services.metrics.install(app);
  await installOpenApi(app, config.issuer, VERSION);

  installErrorHandler(app, {
    label: 'request',
    clientError: (error, reply) => reply.code(error.statusCode ?? 400).send({ error: 'invalid_request', error_description: error.message }),
    unavailable: (reply) =>
      reply
        .code(503)
        .header('cache-control', 'no-store')
        .send({ error: 'temporarily_unavailable', error_description: 'The server is temporarily unavailable. Try again shortly.' }),
    unexpected: (reply) => reply.code(500).send({ error: 'server_error', error_description: 'The server encountered an unexpected condition.' }),
  });
  // what no endpoint answers goes to the gate (issue 12): proxied by a route, or 404 NO_ROUTE
  await app.register(gateProxy, { services });

  app.get('/healthz', { config: PUBLIC }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: PUBLIC }, async (_request, reply) => {
    try {
      await store.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).header('retry-after', String(UNAVAILABLE_RETRY_AFTER)).send({ status: 'unavailable', error: 'the database is unreachable' });
    }
  });
  await app.register(tokenEndpoint, { services });
  await app.register(restApiAuth, { services });
  await app.register(jwksRoutes, { services });
  await app.register(debugRoute, { services });
  await app.register(drupalUserRoute, { services });
  await app.register(authorizeEndpoint, { services });
  await app.register(landingRoutes, { services });
  await app.register(loginRoutes, { services });
  await app.register(passkeyLoginRoutes, { services });
  await app.register(passkeyManagementRoutes, { services });
  await app.register(secondFactorRoutes, { services });
  await app.register(securityRoutes, { services });
  await app.register(loginStatusRoute, { services });
  await app.register(registerRoutes, { services });
  await app.register(passwordRoutes, { services });
  await app.register(appsRoutes, { services });
  await app.register(accountEditRoutes, { services });
  await app.register(userinfoRoutes, { services });
  await app.register(protectedResourceRoutes, { services });
  await app.register(discoveryRoutes, { services });
  await app.register(endSessionRoutes, { services });
  await app.register(introspectionEndpoint, { services });
  await app.register(revocationEndpoint, { services });
  await app.register(restApiRevoke, { services });
  await app.register(metricsRoutes, { services });
  await app.register(adminApi, { services, prefix: '/admin/api/v1' });
  await app.register(consoleRoutes, { services });
  await app.register(gateCheckRoutes, { services });
  await app.register(deviceAuthorizationEndpoint, { services });
  await app.register(deviceRoutes, { services });
  await app.register(registrationEndpoint, { services });

  await services.start();
  app.addHook('onClose', async () => services.stop());
  return app;
}
