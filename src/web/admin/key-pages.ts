// Console: signing keys — state (next, current, retired) and dates — and rotate now (confirmed).
import type { FastifyInstance } from 'fastify';
import { PERMISSIONS } from '../../domain/permissions.js';
import { rotateKey } from '../../admin/keys.js';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import { html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { consoleActor, consoleSubmitter, consoleVisitor } from './console-auth.js';
import { adminLayout, confirmForm, field, when } from './console-kit.js';

const NEED = PERMISSIONS.administerKeys;
const USES = { access: 'access tokens', id: 'id tokens' } as const;

export async function keyPages(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/admin/keys', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const keys = await services.store.keys.list();
    const rotated = (request.query as Record<string, string>).rotated;
    return sendPage(
      reply,
      200,
      adminLayout(
        {
          title: 'Signing keys',
          userName: visitor.user.name,
          section: '/admin/keys',
          csrf: visitor.csrf,
          notice: rotated ? `A new key signs ${USES[rotated as keyof typeof USES] ?? 'tokens'}.` : null,
        },
        html`<table>
<thead><tr><th scope="col">Key id</th><th scope="col">Algorithm</th><th scope="col">Signs</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Signing since</th><th scope="col">Retired</th><th scope="col">Published until</th></tr></thead><tbody>
${keys.map((k) => html`<tr><td><code>${k.kid.slice(0, 12)}…</code></td><td>${k.alg}</td><td>${USES[k.use]}</td><td>${k.state}</td><td>${when(k.createdAt)}</td><td>${when(k.activatedAt)}</td><td>${when(k.retiredAt)}</td><td>${when(k.publishUntil)}</td></tr>`)}
</tbody></table>
<p><a class="button secondary" href="/admin/keys/rotate?use=access">Rotate the access-token key…</a> <a class="button secondary" href="/admin/keys/rotate?use=id">Rotate the id-token key…</a></p>`,
      ),
    );
  });

  app.get('/admin/keys/rotate', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const use = (request.query as Record<string, string>).use === 'id' ? 'id' : 'access';
    return sendPage(
      reply,
      200,
      adminLayout(
        { title: 'Rotate key', userName: visitor.user.name, section: '/admin/keys', csrf: visitor.csrf },
        html`${confirmForm({ action: `/admin/keys/rotate?use=${use}`, csrf: visitor.csrf, question: `Rotate the key that signs ${USES[use]}?`, consequence: 'A new key starts signing now. The old key stays published until every token it signed has expired, so nothing already issued stops working.', button: 'Rotate key', back: '/admin/keys' })}`,
      ),
    );
  });

  app.post('/admin/keys/rotate', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, NEED);
    if (!visitor) return reply;
    const use = (request.query as Record<string, string>).use === 'id' ? 'id' : 'access';
    if (field(visitor.form, 'confirm') !== 'yes') return reply.redirect(`/admin/keys/rotate?use=${use}`, 303);
    await rotateKey(services.admin, { use }, consoleActor(services, visitor, request));
    return reply.redirect(`/admin/keys?rotated=${use}`, 303);
  });
}
