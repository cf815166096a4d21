// Console: the mail outbox — whether mail is configured, and every mail not (yet) sent with its
// attempts and last error, so an operator sees a broken SMTP setup. Never a mail's body.
import type { FastifyInstance } from 'fastify';
import { redactSmtpUrl } from '../../config.js';
import { PERMISSIONS } from '../../domain/permissions.js';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import { html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { consoleVisitor } from './console-auth.js';
import { adminLayout, when } from './console-kit.js';

const NEED = PERMISSIONS.administerUsers;

export async function mailPage(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/admin/mail', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const mail = services.config.mail;
    const [counts, unsent] = await Promise.all([services.store.mailOutbox.counts(), services.store.mailOutbox.listUnsent(100)]);
    return sendPage(
      reply,
      200,
      adminLayout(
        { title: 'Mail', userName: visitor.user.name, section: '/admin/mail', csrf: visitor.csrf },
        html`${
          mail
            ? html`<p>Sending through <code>${redactSmtpUrl(mail.smtpUrl)}</code> as <code>${mail.from}</code>.</p>`
            : html`<p class="error" role="alert">Mail is not configured (GATEHOUSE_SMTP_URL, GATEHOUSE_MAIL_FROM): registration with verification and password reset are unavailable.</p>`
        }
<p>${counts.pending} waiting · ${counts.failed} given up · ${counts.sent} sent</p>
${
  unsent.length === 0
    ? html`<p>No mail is waiting.</p>`
    : html`<table>
<thead><tr><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Queued</th><th scope="col">Attempts</th><th scope="col">State</th><th scope="col">Last error</th></tr></thead><tbody>
${unsent.map(
  (m) =>
    html`<tr><td>${m.to}</td><td>${m.subject}</td><td>${when(m.createdAt)}</td><td>${m.attempts}</td><td>${m.nextAttemptAt === null ? 'given up' : `next try ${when(m.nextAttemptAt)}`}</td><td>${m.lastError ?? '—'}</td></tr>`,
)}
</tbody></table>`
}`,
      ),
    );
  });
}
