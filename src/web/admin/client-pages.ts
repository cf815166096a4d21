// Console: clients. List, create (the secret shown once), edit every consumer field, rotate the
// secret (shown once), the client's active grants with revoke, delete — destructive steps confirmed.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { actAsNames, createClient, deleteClient, rotateClientSecret, upsertClient, type ClientInput } from '../../admin/clients.js';
import { ForbiddenError, ValidationError } from '../../admin/validation-error.js';
import { nowSeconds } from '../../clock.js';
import type { Client } from '../../domain/client.js';
import { GRANT_TYPES } from '../../domain/grant-types.js';
import { PERMISSIONS } from '../../domain/permissions.js';
import { BUILT_IN_SCOPES } from '../../domain/scope.js';
import { clientAuthMethodNames } from '../../oauth/client-auth/index.js';
import { revokeClientTokens, revokeFamily } from '../../oauth/revocation.js';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import { html, type Html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { consoleActor, consoleSubmitter, consoleVisitor, type ConsoleVisitor } from './console-auth.js';
import {
  adminLayout,
  checkbox,
  checkboxes,
  confirmForm,
  csrfInput,
  field,
  fields,
  formErrorSummary,
  lines,
  select,
  textArea,
  textField,
  when,
  type FormErrors,
} from './console-kit.js';

const NEED = PERMISSIONS.administerClients;

const AUTH_METHOD_OPTIONS = [
  { value: '', label: 'By client type: HTTP Basic or the body if confidential, client_id alone if public' },
  ...clientAuthMethodNames().map((name) => ({ value: name, label: name })),
];

/** The form's fields as the admin operations take them; numbers that are not numbers are named. */
function inputFrom(form: Record<string, unknown>, clientId: string): ClientInput {
  const number = (name: string): number | undefined => {
    const text = field(form, name).trim();
    if (text === '') return undefined;
    if (!/^\d+$/.test(text)) throw new ValidationError(name, 'must be a whole number of seconds');
    return Number(text);
  };
  return {
    clientId,
    label: field(form, 'label').trim() || undefined,
    description: field(form, 'description'),
    confidential: field(form, 'confidential') === '1',
    grantTypes: fields(form, 'grantTypes'),
    redirectUris: lines(field(form, 'redirectUris')),
    scopes: fields(form, 'scopes'),
    authorizationCodeScopes: fields(form, 'authorizationCodeScopes'),
    user: field(form, 'user').trim() || null,
    actAs: lines(field(form, 'actAs')),
    tokenEndpointAuthMethod: field(form, 'tokenEndpointAuthMethod') || null,
    pkce: field(form, 'pkce') === '1',
    automaticAuthorization: field(form, 'automaticAuthorization') === '1',
    rememberApproval: field(form, 'rememberApproval') === '1',
    accessTokenExpiration: number('accessTokenExpiration'),
    refreshTokenExpiration: number('refreshTokenExpiration'),
    refreshFamilyLifetime: number('refreshFamilyLifetime'),
    refreshReuseInterval: number('refreshReuseInterval'),
    status: field(form, 'status') === '1',
  };
}

interface FormValues {
  clientId: string;
  label: string;
  description: string;
  confidential: boolean;
  grantTypes: string[];
  redirectUris: string;
  scopes: string[];
  authorizationCodeScopes: string[];
  user: string;
  /** one user name per line, or * */
  actAs: string;
  /** '': by the client's type */
  tokenEndpointAuthMethod: string;
  pkce: boolean;
  automaticAuthorization: boolean;
  rememberApproval: boolean;
  accessTokenExpiration: string;
  refreshTokenExpiration: string;
  refreshFamilyLifetime: string;
  refreshReuseInterval: string;
  status: boolean;
}

function valuesOf(client: Client, userName: string, actAs: string[]): FormValues {
  return {
    ...client,
    redirectUris: client.redirectUris.join('\n'),
    user: userName,
    actAs: actAs.join('\n'),
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod ?? '',
    pkce: client.pkce || !client.confidential, // a public client always requires PKCE, whatever was stored
    accessTokenExpiration: String(client.accessTokenExpiration),
    refreshTokenExpiration: String(client.refreshTokenExpiration),
    refreshFamilyLifetime: String(client.refreshFamilyLifetime),
    refreshReuseInterval: String(client.refreshReuseInterval),
  };
}

function valuesFromForm(form: Record<string, unknown>, clientId: string): FormValues {
  return {
    clientId,
    label: field(form, 'label'),
    description: field(form, 'description'),
    confidential: field(form, 'confidential') === '1',
    grantTypes: fields(form, 'grantTypes'),
    redirectUris: field(form, 'redirectUris'),
    scopes: fields(form, 'scopes'),
    authorizationCodeScopes: fields(form, 'authorizationCodeScopes'),
    user: field(form, 'user'),
    actAs: field(form, 'actAs'),
    tokenEndpointAuthMethod: field(form, 'tokenEndpointAuthMethod'),
    pkce: field(form, 'pkce') === '1',
    automaticAuthorization: field(form, 'automaticAuthorization') === '1',
    rememberApproval: field(form, 'rememberApproval') === '1',
    accessTokenExpiration: field(form, 'accessTokenExpiration'),
    refreshTokenExpiration: field(form, 'refreshTokenExpiration'),
    refreshFamilyLifetime: field(form, 'refreshFamilyLifetime'),
    refreshReuseInterval: field(form, 'refreshReuseInterval'),
    status: field(form, 'status') === '1',
  };
}

const NEW_CLIENT: FormValues = {
  clientId: '',
  label: '',
  description: '',
  confidential: true,
  grantTypes: ['client_credentials'],
  redirectUris: '',
  scopes: [],
  authorizationCodeScopes: [],
  user: '',
  actAs: '',
  tokenEndpointAuthMethod: '',
  pkce: true,
  automaticAuthorization: false,
  rememberApproval: true,
  accessTokenExpiration: '',
  refreshTokenExpiration: '',
  refreshFamilyLifetime: '',
  refreshReuseInterval: '',
  status: true,
};

/** 403 for a change the administrator may not make, 400 for input that is wrong. */
const statusOf = (error: ValidationError): number => (error instanceof ForbiddenError ? 403 : 400);

/** Maps an operation's refusal to the form field it names (list fields share the list's name). */
function errorsOf(error: ValidationError): FormErrors {
  const name = error.field.split('.')[0];
  return { [name]: error.message.slice(error.field.length + 2) };
}

export async function clientPages(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { store } = services;
  const ctx = { store, clock: services.clock, secrets: services.secrets };

  async function scopeOptions() {
    const names = [...BUILT_IN_SCOPES.map((s) => s.name), ...(await store.scopes.list()).map((s) => s.name)];
    return names.map((n) => ({ value: n, label: n }));
  }

  async function clientForm(visitor: ConsoleVisitor, values: FormValues, errors: FormErrors, isNew: boolean): Promise<Html> {
    const scopes = await scopeOptions();
    return html`${formErrorSummary(errors)}
<form method="post" action="${isNew ? '/admin/clients/new' : `/admin/clients/${values.clientId}`}" class="wide-form" novalidate>
${csrfInput(visitor.csrf)}
${isNew ? textField({ name: 'clientId', label: 'Client ID', value: values.clientId, errors, required: true, help: 'Letters, digits, . _ ~ - ; at most 128. Cannot be changed later.' }) : html`<p>Client ID: <code>${values.clientId}</code></p>`}
${textField({ name: 'label', label: 'Label', value: values.label, errors })}
${textArea({ name: 'description', label: 'Description', value: values.description, errors })}
${checkbox({ name: 'status', label: 'Enabled', checked: values.status, errors, help: 'Disabling revokes every token of the client.' })}
${checkbox({ name: 'confidential', label: 'Confidential (has a secret)', checked: values.confidential, errors, help: 'Leave unchecked for single-page and mobile apps.' })}
${select({ name: 'tokenEndpointAuthMethod', label: 'Client authentication at the token endpoint', options: AUTH_METHOD_OPTIONS, value: values.tokenEndpointAuthMethod, errors })}
${checkboxes({ name: 'grantTypes', label: 'Grant types', options: GRANT_TYPES.map((g) => ({ value: g, label: g })), checked: values.grantTypes, errors })}
${textArea({ name: 'redirectUris', label: 'Redirect URIs', value: values.redirectUris, errors, help: 'One per line; matched exactly.' })}
${checkboxes({ name: 'scopes', label: 'Scopes', options: scopes, checked: values.scopes, errors })}
${checkboxes({ name: 'authorizationCodeScopes', label: 'Scopes granted by default to authorization-code requests', options: scopes, checked: values.authorizationCodeScopes, errors })}
${textField({ name: 'user', label: 'Default user', value: values.user, errors, help: 'The user client_credentials tokens act as (a user name), or empty. Another user than yourself needs “administer users”, and a client may grant only permissions you hold.' })}
${textArea({ name: 'actAs', label: 'May also act for', value: values.actAs, errors, help: 'miniOrange client_credentials with username: one user name per line, or * for any user. Empty: only the default user.' })}
${checkbox({ name: 'pkce', label: 'Require PKCE', checked: values.pkce, errors, help: 'On by default (OAuth 2.1); public clients always require it.' })}
${checkbox({ name: 'automaticAuthorization', label: 'Automatic authorization (skip the consent page)', checked: values.automaticAuthorization, errors })}
${checkbox({ name: 'rememberApproval', label: 'Remember approval', checked: values.rememberApproval, errors })}
${textField({ name: 'accessTokenExpiration', label: 'Access token lifetime (seconds)', value: values.accessTokenExpiration, errors, type: 'number', help: 'Empty: 300.' })}
${textField({ name: 'refreshTokenExpiration', label: 'Refresh token lifetime (seconds)', value: values.refreshTokenExpiration, errors, type: 'number', help: 'Empty: 1209600 (14 days).' })}
${textField({ name: 'refreshFamilyLifetime', label: 'Longest a sign-in lasts through refreshes (seconds)', value: values.refreshFamilyLifetime, errors, type: 'number', help: 'However often its refresh token rotates, a grant ends this long after the user authorized; then they sign in again. Empty: 2592000 (30 days).' })}
${textField({ name: 'refreshReuseInterval', label: 'Refresh token reuse interval (seconds)', value: values.refreshReuseInterval, errors, type: 'number', help: 'A just-used refresh token presented again within this time (a lost reply, tabs refreshing at once) gets the same new token instead of ending the grant. 0 or empty: off, every reuse is treated as theft. At most 300.' })}
<button type="submit">${isNew ? 'Create client' : 'Save'}</button>
</form>`;
  }

  const page = (reply: FastifyReply, status: number, visitor: ConsoleVisitor, title: string, body: Html, notice?: string | null) =>
    sendPage(reply, status, adminLayout({ title, userName: visitor.user.name, section: '/admin/clients', csrf: visitor.csrf, notice }, body));

  async function existing(reply: FastifyReply, visitor: ConsoleVisitor, clientId: string): Promise<Client | null> {
    const client = await store.clients.get(clientId);
    if (!client) page(reply, 404, visitor, 'Client not found', html`<p>No client “${clientId}” exists. <a href="/admin/clients">All clients</a></p>`);
    return client;
  }

  /** The secret, shown this once. */
  function secretPage(reply: FastifyReply, visitor: ConsoleVisitor, title: string, clientId: string, secret: string) {
    return page(
      reply,
      200,
      visitor,
      title,
      html`<p>The client secret of <code>${clientId}</code> is shown <strong>only now</strong>. Copy it into the application’s configuration:</p>
<p><output id="client-secret" class="secret">${secret}</output></p>
<p><a href="/admin/clients/${clientId}">Back to the client</a></p>`,
    );
  }

  app.get('/admin/clients', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const clients = await store.clients.list();
    const query = request.query as Record<string, string>;
    return page(
      reply,
      200,
      visitor,
      'Clients',
      html`<p><a class="button" href="/admin/clients/new">New client</a></p>
<table><thead><tr><th scope="col">Client</th><th scope="col">Type</th><th scope="col">Grant types</th><th scope="col">Status</th></tr></thead><tbody>
${clients.map((c) => html`<tr><td><a href="/admin/clients/${c.clientId}">${c.label}</a><br><code class="muted">${c.clientId}</code></td><td>${c.confidential ? 'confidential' : 'public'}</td><td>${c.grantTypes.join(', ')}</td><td>${c.status ? 'enabled' : 'disabled'}</td></tr>`)}
</tbody></table>`,
      query.deleted ? `Client ${query.deleted} deleted; its tokens are revoked.` : null,
    );
  });

  app.get('/admin/clients/new', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    return page(reply, 200, visitor, 'New client', await clientForm(visitor, NEW_CLIENT, {}, true));
  });

  app.post('/admin/clients/new', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, NEED);
    if (!visitor) return reply;
    const clientId = field(visitor.form, 'clientId').trim();
    try {
      const { client, secret } = await createClient(ctx, inputFrom(visitor.form, clientId), consoleActor(services, visitor));
      services.audit.record({
        event: 'admin.client.created',
        outcome: 'success',
        userId: visitor.user.uid,
        clientId: client.clientId,
        ip: request.ip,
        endpoint: '/admin/clients/new',
        detail: client.clientId,
      });
      if (secret) return secretPage(reply, visitor, `Client ${client.label} created`, client.clientId, secret);
      return reply.redirect(`/admin/clients/${client.clientId}?created=1`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return page(reply, statusOf(error), visitor, 'New client', await clientForm(visitor, valuesFromForm(visitor.form, clientId), errorsOf(error), true));
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
      html`${await clientForm(visitor, valuesOf(client, userName, actAs), {}, false)}
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
    try {
      const { secret } = await upsertClient(ctx, inputFrom(visitor.form, client.clientId), consoleActor(services, visitor));
      services.audit.record({
        event: 'admin.client.updated',
        outcome: 'success',
        userId: visitor.user.uid,
        clientId: client.clientId,
        ip: request.ip,
        endpoint: '/admin/clients',
        detail: null,
      });
      await services.revocations.refresh();
      // made confidential: it has a secret now, and this is the only time it can be shown
      if (secret) return secretPage(reply, visitor, `${client.label} is now confidential`, client.clientId, secret);
      return reply.redirect(`/admin/clients/${client.clientId}?saved=1`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return page(
        reply,
        statusOf(error),
        visitor,
        client.label,
        await clientForm(visitor, valuesFromForm(visitor.form, client.clientId), errorsOf(error), false),
      );
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
      run: async (c: Client, reply: FastifyReply, visitor: ConsoleVisitor, ip: string) => {
        const secret = await rotateClientSecret(ctx, c.clientId, consoleActor(services, visitor));
        services.audit.record({
          event: 'admin.client.secret_rotated',
          outcome: 'success',
          userId: visitor.user.uid,
          clientId: c.clientId,
          ip,
          endpoint: '/admin/clients/secret',
          detail: null,
        });
        await services.revocations.refresh();
        return secretPage(reply, visitor, `New secret for ${c.label}`, c.clientId, secret);
      },
    },
    {
      path: 'revoke',
      title: 'Revoke all tokens',
      question: (c: Client) => `Revoke every token of ${c.label}?`,
      consequence: 'Access and refresh tokens issued to this client stop working; its users must sign in again.',
      button: 'Revoke all tokens',
      run: async (c: Client, reply: FastifyReply, visitor: ConsoleVisitor, ip: string) => {
        await revokeClientTokens(store, services.clock, c.clientId);
        services.audit.record({
          event: 'admin.client.tokens_revoked',
          outcome: 'success',
          userId: visitor.user.uid,
          clientId: c.clientId,
          ip,
          endpoint: '/admin/clients/revoke',
          detail: null,
        });
        await services.revocations.refresh();
        return reply.redirect(`/admin/clients/${c.clientId}?revoked=1`, 303);
      },
    },
    {
      path: 'delete',
      title: 'Delete client',
      question: (c: Client) => `Delete ${c.label}?`,
      consequence: 'The client is removed and every token it holds is revoked. This cannot be undone.',
      button: 'Delete client',
      run: async (c: Client, reply: FastifyReply, visitor: ConsoleVisitor, ip: string) => {
        await deleteClient(ctx, c.clientId);
        services.audit.record({
          event: 'admin.client.deleted',
          outcome: 'success',
          userId: visitor.user.uid,
          clientId: c.clientId,
          ip,
          endpoint: '/admin/clients/delete',
          detail: null,
        });
        await services.revocations.refresh();
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
        return await step.run(client, reply, visitor, request.ip);
      } catch (error) {
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
    const rows = /^[A-Za-z0-9_-]{1,128}$/.test(id) ? await revokeFamily(store, services.clock, id) : [];
    if (rows.length) {
      services.audit.record({
        event: 'admin.grant.revoked',
        outcome: 'success',
        userId: visitor.user.uid,
        clientId: rows[0].clientId,
        ip: request.ip,
        endpoint: '/admin/grants/revoke',
        detail: id,
      });
      await services.revocations.refresh();
    }
    const target = /^\/admin\/(clients|users)\/[A-Za-z0-9._~-]+$/.test(back) ? back : '/admin';
    return reply.redirect(`${target}?revoked=1`, 303);
  });
}
