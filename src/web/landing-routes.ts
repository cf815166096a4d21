// GET / — a small page for whoever opens the server's address in a browser: what this is (issuer,
// version) and where to go next (the console, discovery, the keys, the API documentation).
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';
import { html, type Html } from './html.js';
import { sendPage } from './page-reply.js';
import { layout } from './pages.js';

const LINKS: { href: string; label: string; what: string }[] = [
  { href: '/admin', label: 'Console', what: 'clients, users, roles, scopes, keys and the audit log (administrators)' },
  { href: '/.well-known/openid-configuration', label: 'Discovery', what: 'the server metadata relying parties read (OpenID Connect Discovery, RFC 8414)' },
  { href: '/oauth/jwks', label: 'Signing keys', what: 'the JWKS resource servers verify access tokens with' },
  { href: '/docs', label: 'Admin API', what: 'its OpenAPI document, browsable' },
  { href: '/user/apps', label: 'Your applications', what: 'the apps you approved, each revocable' },
];

export function landingPage(issuer: string, version: string): Html {
  return layout(
    'Home',
    html`<h1>Gatehouse</h1>
<p>An OAuth 2.1 and OpenID Connect authorization server.</p>
<table>
  <tr><th scope="row">Issuer</th><td><code>${issuer}</code></td></tr>
  <tr><th scope="row">Version</th><td>${version}</td></tr>
</table>
<ul>
${LINKS.map((link) => html`  <li><a href="${link.href}">${link.label}</a> — ${link.what}</li>\n`)}</ul>`,
  );
}

export async function landingRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const page = landingPage(options.services.config.issuer, VERSION);
  // HEAD / comes with it (Fastify answers HEAD for every GET route)
  app.get('/', { config: PUBLIC }, async (_request, reply) => sendPage(reply, 200, page));
}
