// /user/apps: the applications a user approved, each revocable — which forgets the approval and
// revokes every token the user holds through that application.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { revokeGrant } from '../oauth/revocation.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { CSRF_FIELD } from './csrf.js';
import { approvedApps } from './approved-apps.js';
import { appsPage, messagePage } from './pages.js';
import { sendPage } from './page-reply.js';
import { STYLESHEET } from './stylesheet.js';
import { THEME_LOGO_PATH } from './theme.js';

export async function appsRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { services } = options;
  const { web, store } = services;

  app.get('/user/apps', { config: PUBLIC }, async (request, reply) => {
    const current = await web.sessions.current(request);
    if (!current) return reply.redirect(`/user/login?${new URLSearchParams({ destination: '/user/apps' })}`, 302);
    const apps = await approvedApps(store, current.user.uid);
    const notice = (request.query as Record<string, unknown>).revoked === '1' ? 'apps.revoked' : undefined;
    return sendPage(
      reply,
      200,
      appsPage({ userName: current.user.name, apps, csrf: web.csrf.token(request, reply), notice, language: current.user.preferredLangcode }),
    );
  });

  app.post('/user/apps/revoke', { config: PUBLIC }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const current = await web.sessions.current(request);
    if (!current) return reply.redirect('/user/login', 303);
    if (!web.csrf.verify(request, form[CSRF_FIELD]))
      return sendPage(reply, 403, messagePage('form.expired.title', 'form.expired.again', current.user.preferredLangcode));
    const clientId = typeof form.client_id === 'string' ? form.client_id : '';
    if (!(await store.consents.get(current.user.uid, clientId)))
      return sendPage(reply, 404, messagePage('error.not_found', 'apps.not_found', current.user.preferredLangcode));
    await revokeGrant(store, services.clock, current.user.uid, clientId);
    await services.revocations.refresh();
    services.audit.record({
      event: 'grant.revoked',
      outcome: 'success',
      userId: current.user.uid,
      clientId,
      ip: request.ip,
      endpoint: '/user/apps/revoke',
      detail: null,
    });
    // from the account page (issue 13 part 5): back there
    if (form.back === 'account') return reply.redirect(`/user/${current.user.uid}/edit?done=revoked`, 303);
    return reply.redirect('/user/apps?revoked=1', 303);
  });

  // the brand colour (validated #rgb/#rrggbb) comes last, so it wins over the built-in accents
  const stylesheet = STYLESHEET + web.theme.stylesheetAddition;
  app.get('/assets/gatehouse.css', { config: PUBLIC }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet),
  );

  // GATEHOUSE_BRAND_LOGO_URL naming a file in GATEHOUSE_THEME_DIR: read once, served same-origin
  const logo = web.theme.logoFile;
  if (logo) {
    const bytes = readFileSync(logo.path);
    app.get(THEME_LOGO_PATH, { config: PUBLIC }, async (_request, reply) => reply.type(logo.type).header('cache-control', 'public, max-age=3600').send(bytes));
  }
}
