// Console: the audit log, filtered by user, client, outcome and time, newest first, paged.
import type { FastifyInstance } from 'fastify';
import { PERMISSIONS } from '../../domain/permissions.js';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import type { AuditFilter } from '../../store/store.js';
import { html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { consoleVisitor } from './console-auth.js';
import { adminLayout, select, textField, type FormErrors } from './console-kit.js';

const PAGE_SIZE = 50;

export async function auditPage(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/admin/audit', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, PERMISSIONS.viewAuditLog);
    if (!visitor) return reply;
    await services.audit.flush();
    const q = request.query as Record<string, unknown>;
    const errors: FormErrors = {};
    // one value per filter: a repeated parameter (?user=a&user=b) is refused beside its field
    const text = (name: 'user' | 'client' | 'outcome' | 'from' | 'to'): string => {
      const value = q[name];
      if (value === undefined || typeof value === 'string') return (value ?? '').trim();
      errors[name] = 'Give this filter once.';
      return '';
    };
    const filter: AuditFilter = { limit: PAGE_SIZE };
    const user = text('user');
    if (user) {
      const found = /^\d+$/.test(user) ? await services.store.users.findById(Number(user)) : await services.store.users.findByName(user);
      if (found) filter.userId = found.uid;
      else errors.user = 'No such user.';
    }
    const client = text('client');
    if (client) filter.clientId = client;
    const outcome = text('outcome');
    if (outcome === 'success' || outcome === 'failure') filter.outcome = outcome;
    const dates = { from: text('from'), to: text('to') };
    for (const name of ['from', 'to'] as const) {
      const value = dates[name];
      if (!value) continue;
      const ms = Date.parse(/Z|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
      if (Number.isNaN(ms)) errors[name] = 'Use a date and time such as 2026-11-25T14:00 (UTC).';
      else filter[name] = ms;
    }
    if (typeof q.before === 'string' && /^\d{1,15}$/.test(q.before)) filter.beforeId = Number(q.before);
    const entries = Object.keys(errors).length ? [] : await services.store.audit.search(filter);
    const next = entries.length === PAGE_SIZE ? entries[entries.length - 1].id : null;
    const params = Object.fromEntries(Object.entries({ user, client, outcome: filter.outcome ?? '', ...dates }).filter(([, v]) => v));
    return sendPage(
      reply,
      Object.keys(errors).length ? 400 : 200,
      adminLayout(
        { title: 'Audit log', userName: visitor.user.name, section: '/admin/audit', csrf: visitor.csrf },
        html`<form method="get" action="/admin/audit" class="filters" novalidate>
${textField({ name: 'user', label: 'User (name or id)', value: user, errors })}
${textField({ name: 'client', label: 'Client ID', value: client, errors })}
${select({
  name: 'outcome',
  label: 'Outcome',
  value: filter.outcome ?? '',
  errors,
  options: [
    { value: '', label: 'any' },
    { value: 'success', label: 'success' },
    { value: 'failure', label: 'failure' },
  ],
})}
${textField({ name: 'from', label: 'From (UTC)', value: dates.from, errors, type: 'datetime-local' })}
${textField({ name: 'to', label: 'To (UTC)', value: dates.to, errors, type: 'datetime-local' })}
<button type="submit">Filter</button>
</form>
<table class="audit"><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Event</th><th scope="col">Outcome</th><th scope="col">User</th><th scope="col">Client</th><th scope="col">IP</th><th scope="col">Endpoint</th><th scope="col">Detail</th></tr></thead><tbody>
${entries.map((e) => html`<tr class="${e.outcome}"><td>${new Date(e.at).toISOString().replace('T', ' ').slice(0, 19)}</td><td>${e.event}</td><td>${e.outcome}</td><td>${e.userId ?? '—'}</td><td>${e.clientId ?? '—'}</td><td>${e.ip ?? '—'}</td><td>${e.endpoint ?? '—'}</td><td>${e.detail ?? ''}</td></tr>`)}
</tbody></table>
${entries.length === 0 ? html`<p class="muted">No entries.</p>` : ''}
${next ? html`<p><a href="/admin/audit?${new URLSearchParams({ ...params, before: String(next) })}" rel="next">Older entries</a></p>` : ''}`,
      ),
    );
  });
}
