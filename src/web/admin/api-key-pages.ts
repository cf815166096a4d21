// Console: a user's API keys (issue 12 part 4), a section of the user's page — listed (label,
// scopes, dates, state; never a key), created (the key shown once, on the page the POST redirects to) and
// revoked (confirmed). Every form carries the CSRF token; "administer users" is needed, as for
// the user's page itself.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { apiKeyView, createApiKey, listApiKeys, revokeApiKey } from '../../admin/api-keys.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { OPERATOR } from '../../admin/actor.js';
import { NotFoundError, ValidationError } from '../../admin/validation-error.js';
import { nowSeconds } from '../../clock.js';
import { API_KEY_MAX_EXPIRES_IN_DAYS } from '../../domain/api-key.js';
import { PERMISSIONS } from '../../domain/permissions.js';
import { ANONYMOUS_UID, type User } from '../../domain/user.js';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import { html, type Html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { consoleActor, consoleSubmitter, consoleVisitor, type ConsoleVisitor } from './console-auth.js';
import { redirectToSecret } from './shown-once-page.js';
import { adminLayout, checkboxes, confirmForm, csrfInput, field, fields, formErrorSummary, textField, when, type FormErrors } from './console-kit.js';

const NEED = PERMISSIONS.administerUsers;

/** What the create form was sent with, shown again beside a refusal. */
interface KeyValues {
  label: string;
  expiresInDays: string;
  scopes: string[];
}

const EMPTY: KeyValues = { label: '', expiresInDays: '', scopes: [] };

/** The section of the user's page: the keys and the form that makes one. */
export async function apiKeySection(ctx: AdminContext, user: User, csrf: string, errors: FormErrors = {}, values: KeyValues = EMPTY): Promise<Html> {
  const now = nowSeconds(ctx.clock);
  const keys = (await listApiKeys(ctx, user.uid, OPERATOR)).map((k) => apiKeyView(k, now));
  const scopes = (await ctx.store.scopes.list()).map((s) => ({ value: s.name, label: s.name }));
  return html`<h2 id="api-keys">API keys</h2>
${
  keys.length === 0
    ? html`<p class="muted">No API keys.</p>`
    : html`<table><thead><tr><th scope="col">Id</th><th scope="col">Label</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col"></th></tr></thead><tbody>
${keys.map(
  (k) =>
    html`<tr><td><code>${k.id}</code></td><td>${k.label || '—'}</td><td>${k.scopes.join(' ') || 'all of the user’s permissions'}</td><td>${when(k.createdAt)}</td><td>${when(k.lastUsedAt)}</td><td>${when(k.expiresAt)}</td><td>${k.state}</td><td>${k.state === 'revoked' ? '' : html`<a class="button secondary" href="/admin/users/${user.uid}/api-keys/${k.id}/revoke">Revoke…</a>`}</td></tr>`,
)}
</tbody></table>`
}
${formErrorSummary(errors)}
<form method="post" action="/admin/users/${user.uid}/api-keys" novalidate>
${csrfInput(csrf)}
${textField({ name: 'label', label: 'Label of a new key', value: values.label, errors, autocomplete: 'off' })}
${textField({ name: 'expiresInDays', label: 'Expires in (days)', value: values.expiresInDays, errors, help: `Empty: never. At most ${API_KEY_MAX_EXPIRES_IN_DAYS}.` })}
${checkboxes({ name: 'scopes', label: 'Limit to scopes', options: scopes, checked: values.scopes, errors })}
<button type="submit">Create API key</button>
</form>`;
}

export async function apiKeyPages(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const ctx = services.admin;

  const page = (reply: FastifyReply, status: number, visitor: ConsoleVisitor, title: string, body: Html) =>
    sendPage(reply, status, adminLayout({ title, userName: visitor.user.name, section: '/admin/users', csrf: visitor.csrf }, body));

  async function existing(reply: FastifyReply, visitor: ConsoleVisitor, raw: string): Promise<User | null> {
    const uid = /^\d{1,15}$/.test(raw) ? Number(raw) : -1;
    const user = uid > ANONYMOUS_UID ? await services.store.users.findById(uid) : null;
    if (!user) page(reply, 404, visitor, 'User not found', html`<p>No such user. <a href="/admin/users">All users</a></p>`);
    return user;
  }

  app.post<{ Params: { uid: string } }>('/admin/users/:uid/api-keys', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, NEED);
    if (!visitor) return reply;
    const user = await existing(reply, visitor, request.params.uid);
    if (!user) return reply;
    const values: KeyValues = {
      label: field(visitor.form, 'label').trim(),
      expiresInDays: field(visitor.form, 'expiresInDays').trim(),
      scopes: fields(visitor.form, 'scopes'),
    };
    const days = values.expiresInDays;
    try {
      if (days !== '' && !/^\d{1,5}$/.test(days))
        throw new ValidationError('expiresInDays', `must be a whole number of days from 1 to ${API_KEY_MAX_EXPIRES_IN_DAYS}`);
      const input = { label: values.label, scopes: values.scopes, ...(days ? { expiresInDays: Number(days) } : {}) };
      const { apiKey, key } = await createApiKey(ctx, user.uid, input, consoleActor(services, visitor, request));
      return redirectToSecret(services, request, reply, {
        kind: 'api-key',
        title: `API key for ${user.name} created`,
        uid: user.uid,
        userName: user.name,
        keyId: apiKey.id,
        secret: key,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const field = error.field.split('.')[0]!;
      return page(
        reply,
        400,
        visitor,
        user.name,
        await apiKeySection(ctx, user, visitor.csrf, { [field]: error.message.slice(error.field.length + 2) }, values),
      );
    }
  });

  app.get<{ Params: { uid: string; id: string } }>('/admin/users/:uid/api-keys/:id/revoke', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const user = await existing(reply, visitor, request.params.uid);
    if (!user) return reply;
    return page(
      reply,
      200,
      visitor,
      'Revoke API key',
      confirmForm({
        action: `/admin/users/${user.uid}/api-keys/${encodeURIComponent(request.params.id)}/revoke`,
        csrf: visitor.csrf,
        question: `Revoke the API key ${request.params.id} of ${user.name}?`,
        consequence: 'Every request sending it is refused from now on.',
        button: 'Revoke API key',
        back: `/admin/users/${user.uid}#api-keys`,
      }),
    );
  });

  app.post<{ Params: { uid: string; id: string } }>('/admin/users/:uid/api-keys/:id/revoke', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, NEED);
    if (!visitor) return reply;
    const user = await existing(reply, visitor, request.params.uid);
    if (!user) return reply;
    if (field(visitor.form, 'confirm') !== 'yes')
      return reply.redirect(`/admin/users/${user.uid}/api-keys/${encodeURIComponent(request.params.id)}/revoke`, 303);
    const key = await services.store.apiKeys.get(request.params.id);
    try {
      // the key must be this user's: a URL naming another user's key revokes nothing
      if (!key || key.uid !== user.uid) throw new NotFoundError(`no API key ${request.params.id} exists`);
      await revokeApiKey(ctx, key.id, consoleActor(services, visitor, request));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return page(reply, 404, visitor, 'API key not found', html`<p>No such API key. <a href="/admin/users/${user.uid}#api-keys">Back</a></p>`);
    }
    return reply.redirect(`/admin/users/${user.uid}?apikeyrevoked=1#api-keys`, 303);
  });
}
