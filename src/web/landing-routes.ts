// GET / — a small page for whoever opens the server's address in a browser: what this is (issuer,
// version) and where to go next (the console, discovery, the keys, the API documentation, the
// user's apps). templates/landing.liquid.
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';
import { sendPage } from './page-reply.js';
import type { PageView } from './page-view.js';

export function landingPage(issuer: string, version: string): PageView {
  return { template: 'landing', data: { issuer, version } };
}

export async function landingRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const page = landingPage(options.services.config.issuer, VERSION);
  // HEAD / comes with it (Fastify answers HEAD for every GET route)
  app.get('/', { config: PUBLIC }, async (_request, reply) => sendPage(reply, 200, page));
}
