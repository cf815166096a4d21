// Console: the gate routes (issue 12), read-only — what `apply`, the admin API or the CLI set:
// path, methods, who may pass, upstream. Changed through the apply file or the admin API.
import type { FastifyInstance } from 'fastify';
import type { GateRoute } from '../../domain/gate-route.js';
import { PERMISSIONS } from '../../domain/permissions.js';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import { html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { consoleVisitor } from './console-auth.js';
import { adminLayout } from './console-kit.js';

const NEED = PERMISSIONS.administerGateRoutes;

function access(route: GateRoute): string {
  if (route.public) return 'public';
  const needs = [route.permission ? `permission "${route.permission}"` : null, route.scopes.length ? `scopes ${route.scopes.join(' ')}` : null].filter(Boolean);
  return `${route.auth.join(', ')}${needs.length ? `; ${needs.join('; ')}` : ''}`;
}

function ips(route: GateRoute): string {
  const parts = [route.allowIps.length ? `allow ${route.allowIps.join(' ')}` : null, route.denyIps.length ? `deny ${route.denyIps.join(' ')}` : null];
  return parts.filter(Boolean).join('; ') || 'any';
}

export async function routePages(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/admin/routes', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const routes = await services.store.gateRoutes.list();
    return sendPage(
      reply,
      200,
      adminLayout(
        { title: 'Gate routes', userName: visitor.user.name, section: '/admin/routes', csrf: visitor.csrf },
        html`<p class="muted">The APIs Gatehouse protects, in order. Set them with the apply file's <code>routes:</code> list or the admin API.</p>
${
  routes.length
    ? html`<table>
<thead><tr><th scope="col">Route</th><th scope="col">Path</th><th scope="col">Methods</th><th scope="col">Access</th><th scope="col">Client IPs</th><th scope="col">Upstream</th><th scope="col">Timeout</th></tr></thead><tbody>
${routes.map((r) => html`<tr><td>${r.name}</td><td><code>${r.path}</code></td><td>${r.methods?.join(', ') ?? 'any'}</td><td>${access(r)}</td><td>${ips(r)}</td><td>${r.upstream ?? 'forward-auth only'}</td><td>${String(r.timeoutMs)} ms</td></tr>`)}
</tbody></table>`
    : html`<p>No routes.</p>`
}`,
      ),
    );
  });
}
