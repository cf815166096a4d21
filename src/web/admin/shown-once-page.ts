// Console: the page a secret is shown on, once (issue 13 part 8). The POST that made the secret
// (a client's, an API key, a generated password) holds it server-side (src/web/shown-once.ts) and
// redirects here with a one-time id (303): a reload finds it gone instead of posting again. The
// page loads /assets/copy.js for its copy button — a same-origin file, so the CSP stays strict.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import { COPY_SCRIPT } from '../copy-script.js';
import { html, type Html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { ANY_ADMIN_PERMISSION, consoleVisitor } from './console-auth.js';
import { adminLayout, secretOutput } from './console-kit.js';

/** What a page of the console made and shows once. */
export type ShownSecret =
  | { kind: 'client-secret'; title: string; clientId: string; secret: string }
  | { kind: 'api-key'; title: string; uid: number; userName: string; keyId: string; secret: string }
  | { kind: 'user-password'; title: string; uid: number; userName: string; secret: string };

const SECTION = { 'client-secret': '/admin/clients', 'api-key': '/admin/users', 'user-password': '/admin/users' } as const;

/** Holds the secret for its one view and redirects there (303: the reload is a GET). */
export async function redirectToSecret(services: Services, request: FastifyRequest, reply: FastifyReply, shown: ShownSecret): Promise<FastifyReply> {
  const id = await services.web.shownOnce.hold(request, shown);
  // a console visitor always has a session; without one there is nobody to show it to
  if (id === null) return reply.redirect('/user/login', 303);
  return reply.redirect(`/admin/shown/${id}`, 303);
}

function body(shown: ShownSecret): Html {
  switch (shown.kind) {
    case 'client-secret':
      return html`<p>The client secret of <code>${shown.clientId}</code> is shown <strong>only now</strong>. Copy it into the application’s configuration:</p>
${secretOutput('client-secret', shown.secret)}
<p><a href="/admin/clients/${shown.clientId}">Back to the client</a></p>`;
    case 'api-key':
      return html`<p>The API key <code>${shown.keyId}</code> of <strong>${shown.userName}</strong> is shown <strong>only now</strong>; Gatehouse keeps only a digest of it:</p>
${secretOutput('api-key', shown.secret)}
<p>Send it as <code>X-API-Key</code>, or as <code>Authorization: Basic</code> with the user name.</p>
<p><a href="/admin/users/${shown.uid}#api-keys">Back to the user</a></p>`;
    case 'user-password':
      return html`<p>The password of <strong>${shown.userName}</strong> is shown <strong>only now</strong>:</p>
${secretOutput('user-password', shown.secret)}
<p><a href="/admin/users/${shown.uid}">Back to the user</a></p>`;
  }
}

export async function shownOncePage(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get<{ Params: { id: string } }>('/admin/shown/:id', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, ANY_ADMIN_PERMISSION);
    if (!visitor) return reply;
    // Fastify answers HEAD with this handler: a HEAD (a prefetcher, a link checker) must not spend the view
    if (request.method === 'HEAD') return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send('');
    const shown = (await services.web.shownOnce.take(request, request.params.id)) as ShownSecret | null;
    if (!shown || !(shown.kind in SECTION)) {
      return sendPage(
        reply,
        410,
        adminLayout(
          { title: 'Shown already', userName: visitor.user.name, section: '/admin', csrf: visitor.csrf },
          html`<p>This secret was shown once already, or was not fetched within ten minutes; Gatehouse keeps only its digest, so it cannot be shown again. Rotate the client secret, or make a new API key or password, if it was not copied.</p>
<p><a href="/admin">Dashboard</a></p>`,
        ),
      );
    }
    return sendPage(
      reply,
      200,
      adminLayout(
        { title: shown.title, userName: visitor.user.name, section: SECTION[shown.kind], csrf: visitor.csrf, scripts: ['/assets/copy.js'] },
        body(shown),
      ),
      { scriptFiles: true },
    );
  });

  app.get('/assets/copy.js', { config: PUBLIC }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(COPY_SCRIPT),
  );
}
