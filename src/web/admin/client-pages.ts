// Console: clients. List, create (the secret shown once, after a redirect), edit every consumer
// field, rotate the secret (shown once), the client's active grants with revoke, delete — destructive steps confirmed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actAsNames, createClient, deleteClient, revokeClientGrants, rotateClientSecret, updateClient } from '../../admin/clients.js';
import { revokeGrant } from '../../admin/grants.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../admin/validation-error.js';
import { nowSeconds } from '../../clock.js';
import type { Client } from '../../domain/client.js';
import { PERMISSIONS } from '../../domain/permissions.js';
import { BUILT_IN_SCOPES } from '../../domain/scope.js';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import { html, type Html } from '../html.js';
import { sendPage } from '../page-reply.js';
import type { Actor } from '../../admin/actor.js';
import { consoleActor, consoleSubmitter, consoleVisitor, type ConsoleVisitor } from './console-auth.js';
import { clientFields, clientInputFrom, clientValues, newClientValues, submittedValues, type ClientFormValues } from './client-form.js';
import { redirectToSecret } from './shown-once-page.js';
import { adminLayout, confirmForm, csrfInput, field, formErrorSummary, when, type FormErrors } from './console-kit.js';

const NEED = PERMISSIONS.administerClients;

/** 403 for a change the administrator may not make, 400 for input that is wrong. */
const statusOf = (error: ValidationError): number => (error instanceof ForbiddenError ? 403 : 400);

/** Maps an operation's refusal to the form field it names (list fields share the list's name). */
function errorsOf(error: ValidationError): FormErrors {
  const name = error.field.split('.')[0];
  return { [name]: error.message.slice(error.field.length + 2) };
}

export async function clientPages(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { store } = services;
  const ctx = services.admin;

  async function scopeOptions() {
    const names = [...BUILT_IN_SCOPES.map((s) => s.name), ...(await store.scopes.list()).map((s) => s.name)];
    return names.map((n) => ({ value: n, label: n }));
  }

  async function clientForm(visitor: ConsoleVisitor, values: ClientFormValues, errors: FormErrors, isNew: boolean): Promise<Html> {
    const clientId = String(values.clientId);
    return html`${formErrorSummary(errors)}
<form method="post" action="${isNew ? '/admin/clients/new' : `/admin/clients/${clientId}`}" class="wide-form" novalidate>
${csrfInput(visitor.csrf)}
${clientFields(values, errors, isNew, await scopeOptions())}<button type="submit">${isNew ? 'Create client' : 'Save'}</button>
</form>`;
  }

  const page = (reply: FastifyReply, status: number, visitor: ConsoleVisitor, title: string, body: Html, notice?: string | null) =>
    sendPage(reply, status, adminLayout({ title, userName: visitor.user.name, section: '/admin/clients', csrf: visitor.csrf, notice }, body));

  async function existing(reply: FastifyReply, visitor: ConsoleVisitor, clientId: string): Promise<Client | null> {
    const client = await store.clients.get(clientId);
    if (!client) page(reply, 404, visitor, 'Client not found', html`<p>No client “${clientId}” exists. <a href="/admin/clients">All clients</a></p>`);
    return client;
  }

  /** The secret, shown this once on the page this redirects to. */
  const secretPage = (request: FastifyRequest, reply: FastifyReply, title: string, clientId: string, secret: string) =>
    redirectToSecret(services, request, reply, { kind: 'client-secret', title, clientId, secret });

  app.get('/admin/clients', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const clients = await store.clients.list();
    const registered = new Set(await store.registrations.clientIds());
    const query = request.query as Record<string, string>;
    return page(
      reply,
      200,
      visitor,
      'Clients',
      html`<p><a class="button" href="/admin/clients/new">New client</a></p>
<table><thead><tr><th scope="col">Client</th><th scope="col">Type</th><th scope="col">Grant types</th><th scope="col">Status</th></tr></thead><tbody>
${clients.map((c) => html`<tr><td><a href="/admin/clients/${c.clientId}">${c.label}</a><br><code class="muted">${c.clientId}</code>${registered.has(c.clientId) ? html` <span class="muted">(registered by the client)</span>` : ''}</td><td>${c.confidential ? 'confidential' : 'public'}</td><td>${c.grantTypes.join(', ')}</td><td>${c.status ? 'enabled' : 'disabled'}</td></tr>`)}
</tbody></table>`,
      query.deleted ? `Client ${query.deleted} deleted; its tokens are revoked.` : null,
    );
  });

  app.get('/admin/clients/new', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    return page(reply, 200, visitor, 'New client', await clientForm(visitor, newClientValues(), {}, true));
  });

  app.post('/admin/clients/new', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, NEED);
    if (!visitor) return reply;
    const values = submittedValues(visitor.form, field(visitor.form, 'clientId').trim());
    try {
      const { client, secret } = await createClient(ctx, clientInputFrom(values), consoleActor(services, visitor, request));
      if (secret) return secretPage(request, reply, `Client ${client.label} created`, client.clientId, secret);
      return reply.redirect(`/admin/clients/${client.clientId}?created=1`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return page(reply, statusOf(error), visitor, 'New client', await clientForm(visitor, values, errorsOf(error), true));
    }
  });

  app.get<{ Params: { clientId: string } }>('/admin/clients/:clientId', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const client = await existing(reply, visitor, request.params.clientId);
    if (!client) return reply;
    const userName = client.userId === null ? '' : ((await store.users.findById(client.userId))?.name ?? '');
    const actAs = await actAsNames(store, client);
    const grants = await store.refreshTokens.active({ clientId: client.clientId }, nowSeconds(services.clock));
    const query = request.query as Record<string, string>;
    const notice = query.saved ? 'Saved.' : query.created ? 'Client created.' : query.revoked ? 'Tokens revoked.' : null;
    return page(
      reply,
      200,
      visitor,
      client.label,
      html`${await clientForm(visitor, clientValues(client, { user: userName, actAs }), {}, false)}
<h2>Secret</h2>
${client.confidential ? html`<p>The secret is stored only as a digest and cannot be shown. <a class="button secondary" href="/admin/clients/${client.clientId}/secret">Rotate secret…</a></p>` : html`<p class="muted">A public client has no secret.</p>`}
<h2>Active grants</h2>
${
  grants.length === 0
    ? html`<p class="muted">No active refresh-token grants.</p>`
    : html`<table><thead><tr><th scope="col">User</th><th scope="col">Scopes</th><th scope="col">Last refreshed</th><th scope="col"></th></tr></thead><tbody>
${grants.map((g) => html`<tr><td>${g.userId}</td><td>${g.scopes.join(' ') || '—'}</td><td>${when(g.issuedAt)}</td><td><form method="post" action="/admin/grants/revoke">${csrfInput(visitor.csrf)}<input type="hidden" name="id" value="${g.familyId}"><input type="hidden" name="back" value="/admin/clients/${client.clientId}"><button type="submit" class="danger">Revoke</button></form></td></tr>`)}
</tbody></table>`
}
<p><a class="button secondary" href="/admin/clients/${client.clientId}/revoke">Revoke all tokens…</a> <a class="button danger" href="/admin/clients/${client.clientId}/delete">Delete client…</a></p>`,
      notice,
    );
  });

  app.post<{ Params: { clientId: string } }>('/admin/clients/:clientId', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, NEED);
    if (!visitor) return reply;
    const client = await existing(reply, visitor, request.params.clientId);
    if (!client) return reply;
    const values = submittedValues(visitor.form, client.clientId);
    try {
      const { clientId: _id, ...input } = clientInputFrom(values);
      const { secret } = await updateClient(ctx, client.clientId, input, consoleActor(services, visitor, request));
      // made confidential: it has a secret now, and this is the only time it can be shown
      if (secret) return secretPage(request, reply, `${client.label} is now confidential`, client.clientId, secret);
      return reply.redirect(`/admin/clients/${client.clientId}?saved=1`, 303);
    } catch (error) {
      // deleted meanwhile (another tab, another administrator): the not-found page
      if (error instanceof NotFoundError && !(await existing(reply, visitor, client.clientId))) return reply;
      if (!(error instanceof ValidationError)) throw error;
      return page(reply, statusOf(error), visitor, client.label, await clientForm(visitor, values, errorsOf(error), false));
    }
  });

  // destructive steps: GET asks, POST with confirm=yes does
  const confirmed = (form: Record<string, unknown>) => field(form, 'confirm') === 'yes';
  const steps = [
    {
      path: 'secret',
      title: 'Rotate secret',
      question: (c: Client) => `Rotate the secret of ${c.label}?`,
      consequence: 'A new secret is generated and shown once. The current secret stops working at once, and every token the client holds is revoked.',
      button: 'Rotate secret',
      run: async (c: Client, request: FastifyRequest, reply: FastifyReply, actor: Actor) => {
        const secret = await rotateClientSecret(ctx, c.clientId, actor);
        return secretPage(request, reply, `New secret for ${c.label}`, c.clientId, secret);
      },
    },
    {
      path: 'revoke',
      title: 'Revoke all tokens',
      question: (c: Client) => `Revoke every token of ${c.label}?`,
      consequence: 'Access and refresh tokens issued to this client stop working; its users must sign in again.',
      button: 'Revoke all tokens',
      run: async (c: Client, _request: FastifyRequest, reply: FastifyReply, actor: Actor) => {
        await revokeClientGrants(ctx, c.clientId, actor);
        return reply.redirect(`/admin/clients/${c.clientId}?revoked=1`, 303);
      },
    },
    {
      path: 'delete',
      title: 'Delete client',
      question: (c: Client) => `Delete ${c.label}?`,
      consequence: 'The client is removed and every token it holds is revoked. This cannot be undone.',
      button: 'Delete client',
      run: async (c: Client, _request: FastifyRequest, reply: FastifyReply, actor: Actor) => {
        await deleteClient(ctx, c.clientId, actor);
        return reply.redirect(`/admin/clients?${new URLSearchParams({ deleted: c.clientId })}`, 303);
      },
    },
  ];
  for (const step of steps) {
    app.get<{ Params: { clientId: string } }>(`/admin/clients/:clientId/${step.path}`, { config: PUBLIC }, async (request, reply) => {
      const visitor = await consoleVisitor(services, request, reply, NEED);
      if (!visitor) return reply;
      const client = await existing(reply, visitor, request.params.clientId);
      if (!client) return reply;
      return page(
        reply,
        200,
        visitor,
        step.title,
        confirmForm({
          action: `/admin/clients/${client.clientId}/${step.path}`,
          csrf: visitor.csrf,
          question: step.question(client),
          consequence: step.consequence,
          button: step.button,
          back: `/admin/clients/${client.clientId}`,
        }),
      );
    });
    app.post<{ Params: { clientId: string } }>(`/admin/clients/:clientId/${step.path}`, { config: PUBLIC }, async (request, reply) => {
      const visitor = await consoleSubmitter(services, request, reply, NEED);
      if (!visitor) return reply;
      const client = await existing(reply, visitor, request.params.clientId);
      if (!client) return reply;
      if (!confirmed(visitor.form)) return reply.redirect(`/admin/clients/${client.clientId}/${step.path}`, 303);
      try {
        return await step.run(client, request, reply, consoleActor(services, visitor, request));
      } catch (error) {
        if (error instanceof NotFoundError && !(await existing(reply, visitor, client.clientId))) return reply;
        if (!(error instanceof ValidationError)) throw error;
        return page(
          reply,
          statusOf(error),
          visitor,
          step.title,
          html`<p class="error" role="alert">${error.message}</p><p><a href="/admin/clients/${client.clientId}">Back</a></p>`,
        );
      }
    });
  }

  app.post('/admin/grants/revoke', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, [PERMISSIONS.administerClients, PERMISSIONS.administerUsers]);
    if (!visitor) return reply;
    const id = field(visitor.form, 'id');
    const back = field(visitor.form, 'back');
    try {
      if (/^[A-Za-z0-9_-]{1,128}$/.test(id)) await revokeGrant(ctx, id, consoleActor(services, visitor, request));
    } catch (error) {
      // gone already (revoked in another tab, expired): the page shows what is left
      if (!(error instanceof NotFoundError)) throw error;
    }
    const target = /^\/admin\/(clients|users)\/[A-Za-z0-9._~-]+$/.test(back) ? back : '/admin';
    return reply.redirect(`${target}?revoked=1`, 303);
  });
}
