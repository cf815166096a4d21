// The administration console at /admin: for users whose roles grant the page's permission
// (administer clients, users, scopes, keys; view audit log). Server-rendered, no script; every
// form carries a CSRF token, destructive actions ask first.
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import { html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { accessPages } from './access-pages.js';
import { apiKeyPages } from './api-key-pages.js';
import { activityChart, last24Hours } from './activity-chart.js';
import { auditPage } from './audit-page.js';
import { clientPages } from './client-pages.js';
import { ANY_ADMIN_PERMISSION, consoleVisitor } from './console-auth.js';
import { adminLayout } from './console-kit.js';
import { keyPages } from './key-pages.js';
import { userPages } from './user-pages.js';
import { mailPage } from './mail-page.js';
import { routePages } from './route-pages.js';
import { shownOncePage } from './shown-once-page.js';

export async function consoleRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/admin', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, ANY_ADMIN_PERMISSION);
    if (!visitor) return reply;
    await services.audit.flush();
    const now = services.clock.now();
    const hours = last24Hours(await services.store.audit.hourlyActivity(now - 24 * 3_600_000), now);
    const [clients, users] = await Promise.all([services.store.clients.list(), services.store.users.count()]);
    return sendPage(
      reply,
      200,
      adminLayout(
        { title: 'Dashboard', userName: visitor.user.name, section: '/admin', csrf: visitor.csrf },
        html`<p>${clients.length} clients · ${users} users</p>
${activityChart(hours)}`,
      ),
    );
  });
  await app.register(clientPages, { services });
  await app.register(userPages, { services });
  await app.register(accessPages, { services });
  await app.register(keyPages, { services });
  await app.register(auditPage, { services });
  await app.register(apiKeyPages, { services });
  await app.register(mailPage, { services });
  await app.register(routePages, { services });
  await app.register(shownOncePage, { services });
}
