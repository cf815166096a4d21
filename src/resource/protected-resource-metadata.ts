// OAuth 2.0 Protected Resource Metadata (RFC 9728, issue 14 part 4): where an agent that met a 401
// learns which authorization server issues tokens for a resource, and which scopes it accepts.
// `/.well-known/oauth-protected-resource` describes Gatehouse's own API (`GATEHOUSE_AUDIENCE`);
// `/.well-known/oauth-protected-resource/PATH` a registered resource (RFC 8707) whose URI has that
// path (§3.1: the well-known segment inserted before the resource's path).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config.js';
import type { AccessCatalog } from '../domain/access.js';
import type { Resource } from '../domain/resource.js';
import { PUBLIC } from './route-access.js';

export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/** What the metadata uses; Services provides it. */
export interface ProtectedResourceDeps {
  config: Pick<Config, 'issuer' | 'audience'>;
  catalog: Pick<AccessCatalog, 'scopes' | 'resources'>;
}

/** RFC 9728 §2: the members Gatehouse states. Only the Authorization header carries tokens here. */
function metadata(resource: string, issuer: string, scopes: readonly string[]): Record<string, unknown> {
  return { resource, authorization_servers: [issuer], scopes_supported: [...scopes].sort(), bearer_methods_supported: ['header'] };
}

/** The registered resource whose URI's path is `path` (the first by URI when several hosts share it). */
function resourceAt(resources: Iterable<Resource>, path: string): Resource | undefined {
  return [...resources].sort((a, b) => (a.uri < b.uri ? -1 : 1)).find((r) => new URL(r.uri).pathname === path);
}

export async function protectedResourceRoutes(app: FastifyInstance, options: { services: ProtectedResourceDeps }): Promise<void> {
  const { config, catalog } = options.services;
  const send = (reply: FastifyReply, body: Record<string, unknown>) => reply.header('cache-control', 'public, max-age=300').send(body);
  app.get(PROTECTED_RESOURCE_PATH, { config: PUBLIC }, async (_request, reply) =>
    send(reply, metadata(config.audience, config.issuer, [...catalog.scopes.keys()])),
  );
  app.get<{ Params: { '*': string } }>(`${PROTECTED_RESOURCE_PATH}/*`, { config: PUBLIC }, async (request, reply) => {
    const found = resourceAt(catalog.resources?.values() ?? [], `/${request.params['*']}`);
    if (!found)
      return reply.code(404).header('cache-control', 'no-store').send({ error: 'not_found', error_description: 'No registered resource has this path.' });
    return send(reply, metadata(found.uri, config.issuer, found.scopes));
  });
}
