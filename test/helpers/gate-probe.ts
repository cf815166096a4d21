// A stand-in for /gate/check while gate-core's decision is not on this branch: one Fastify route
// that tries the real gate credential methods (src/gate/methods/, built from a running
// Gatehouse's own services) in a route's order, and answers as the gate does — 200 with the
// identity, or the GateDenial's status and code (+ Retry-After, + WWW-Authenticate on 401).
import Fastify, { type FastifyInstance } from 'fastify';
import type { GateAuthMethodName } from '../../src/gate/credential-method.js';
import { GateDenial, gateDenials } from '../../src/gate/gate-denial.js';
import { createCredentialMethods } from '../../src/gate/methods/index.js';
import { FloodControl } from '../../src/oauth/flood-control.js';
import type { Running } from './gatehouse.js';

export interface Probe {
  url: string;
  close(): Promise<void>;
}

export async function startProbe(gh: Running, accepted: GateAuthMethodName[]): Promise<Probe> {
  const services = gh.app.gatehouse;
  const methods = createCredentialMethods({
    store: services.store,
    database: gh.store,
    catalog: () => services.catalog,
    bearer: services.guard,
    // the same counters as the login's (the database's, without Redis)
    flood: new FloodControl(gh.store.flood, gh.clock, gh.config.flood),
    passwords: services.users,
    clock: gh.clock,
    secret: gh.config.secret,
    metrics: { gateDenied: () => undefined },
  });
  const chosen = accepted.map((name) => methods.get(name)!);
  const app: FastifyInstance = Fastify();
  app.get('/probe', async (request, reply) => {
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const credential = { authorization: header('authorization'), apiKey: header('x-api-key'), ip: request.ip };
    try {
      const method = chosen.find((m) => m.recognises(credential));
      if (!method) throw credential.authorization || credential.apiKey ? gateDenials.wrongScheme(accepted) : gateDenials.missingHeader();
      const id = await method.authenticate(credential);
      return {
        method: id.method,
        uid: id.uid,
        userName: id.userName,
        clientId: id.clientId,
        scopes: id.scopes,
        all: id.permissions.all,
        permissions: id.permissions.list(),
      };
    } catch (error) {
      if (!(error instanceof GateDenial)) throw error;
      if (error.status === 401) reply.header('www-authenticate', chosen.map((m) => m.challenge).join(', '));
      if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
      return reply.code(error.status).send({ status: 'error', error: error.code, error_description: error.description });
    }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/probe`, close: () => app.close() };
}
