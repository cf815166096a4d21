// Where /metrics is served: on the public port behind a Bearer token (GATEHOUSE_METRICS_TOKEN),
// and/or on a port of its own with no token (GATEHOUSE_METRICS_PORT, for a private interface or a
// scraper on the same host). Neither set: /metrics does not exist.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { constantTimeEqual } from './crypto/secrets.js';
import { capConnections, connectionOptions } from './http/connection-limits.js';
import { PUBLIC } from './resource/route-access.js';
import type { Services } from './services.js';

async function sendMetrics(services: Services, reply: FastifyReply): Promise<FastifyReply> {
  return reply
    .header('cache-control', 'no-store')
    .type(services.metrics.contentType)
    .send(await services.metrics.text());
}

export async function metricsRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { metricsToken, metricsPort, host } = services.config;
  if (metricsToken) {
    app.get('/metrics', { config: PUBLIC }, async (request, reply) => {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!constantTimeEqual(given, metricsToken)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: 'invalid_token', error_description: 'The metrics token is missing or wrong.' });
      }
      return sendMetrics(services, reply);
    });
  }
  if (metricsPort !== null) {
    const server = Fastify({ logger: false, ...connectionOptions(services.config.http) });
    capConnections(server.server, services.config.http);
    server.get('/metrics', async (_request, reply) => sendMetrics(services, reply));
    app.addHook('onListen', async () => {
      await server.listen({ port: metricsPort, host });
    });
    app.addHook('onClose', async () => {
      await server.close();
    });
  }
}
