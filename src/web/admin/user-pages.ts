// Console: users. Search and page, create, edit (name, mail, roles, fields, a new password), block and
// unblock (confirmed; blocking revokes their tokens), the user's active grants with revoke.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { blockUser, createUser, resetSecondFactors, revokeUserGrants, unblockUser, updateUser } from '../../admin/users.js';
import { NotFoundError, ValidationError } from '../../admin/validation-error.js';
import { nowSeconds } from '../../clock.js';
import { PERMISSIONS } from '../../domain/permissions.js';
import { ANONYMOUS_UID, type User } from '../../domain/user.js';
import { formatFieldValue, parseFieldValue, type UserFields } from '../../domain/user-fields.js';
import { PUBLIC } from '../../resource/route-access.js';
import type { Actor } from '../../admin/actor.js';
import type { Services } from '../../services.js';
import { html, type Html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { apiKeySection } from './api-key-pages.js';
import { redirectToSecret } from './shown-once-page.js';
import { consoleActor, consoleSubmitter, consoleVisitor, type ConsoleVisitor } from './console-auth.js';
import { adminLayout, checkboxes, confirmForm, csrfInput, field, fields, formErrorSummary, textField, when, type FormErrors } from './console-kit.js';

const passkeyCount = (n: number): string => (n === 0 ? 'No passkey.' : `${n} passkey${n === 1 ? '' : 's'}.`);

const NEED = PERMISSIONS.administerUsers;
const PAGE_SIZE = 25;

interface Values {
  name: string;
  mail: string;
  roles: string[];
  /** the key/value rows as typed (values as formatFieldValue writes them) */
  fieldRows: [string, string][];
}

const EMPTY_FIELD_ROWS = 2;

const rowsOf = (fields: UserFields): [string, string][] => Object.entries(fields).map(([k, v]) => [k, formatFieldValue(v)]);

/** The rows with a name, as fields; a value without a name is refused. */
function fieldsFrom(rows: [string, string][]): UserFields {
  const out: UserFields = {};
  for (const [name, text] of rows) {
    if (!name) {
      if (text) throw new ValidationError('fields', `the value "${text}" has no field name`);
      continue;
    }
    if (Object.hasOwn(out, name)) throw new ValidationError('fields', `"${name}" is given twice`);
    out[name] = parseFieldValue(text);
  }
  return out;
}

/** Key/value rows: the user's fields, then empty rows to add more (save again for more). */
function fieldRowsTable(rows: [string, string][], errors: FormErrors): Html {
  const all = [...rows, ...Array.from({ length: EMPTY_FIELD_ROWS }, (): [string, string] => ['', ''])];
  return html`<fieldset class="field" id="f-fields"><legend>Fields</legend>
<p class="muted">Profile fields, read by the OpenID Connect claims of the same names (given_name, phone_number, address…) and by claim mappings. Values are text, or JSON (a number, true/false, an {object}). Empty the name to remove a field.</p>
<table><thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead><tbody>
${all.map(([name, value], i) => html`<tr><td><input type="text" name="field_name" aria-label="Field name ${i + 1}" value="${name}" autocomplete="off"></td><td><input type="text" name="field_value" aria-label="Field value ${i + 1}" value="${value}" autocomplete="off"></td></tr>`)}
</tbody></table>${errors.fields ? html`<p class="error" role="alert">${errors.fields}</p>` : ''}
</fieldset>`;
}

export async function userPages(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { store } = services;
  const ctx = services.admin;

  const page = (reply: FastifyReply, status: number, visitor: ConsoleVisitor, title: string, body: Html, notice?: string | null) =>
    sendPage(reply, status, adminLayout({ title, userName: visitor.user.name, section: '/admin/users', csrf: visitor.csrf, notice }, body));

  async function userForm(visitor: ConsoleVisitor, action: string, values: Values, errors: FormErrors, isNew: boolean): Promise<Html> {
    const roles = (await store.roles.list()).filter((r) => r.id !== 'authenticated').map((r) => ({ value: r.id, label: r.label }));
    return html`${formErrorSummary(errors)}
<form method="post" action="${action}" novalidate>
${csrfInput(visitor.csrf)}
${textField({ name: 'name', label: 'User name', value: values.name, errors, required: true, autocomplete: 'off' })}
${textField({ name: 'mail', label: 'E-mail', value: values.mail, errors, type: 'email', autocomplete: 'off' })}
${checkboxes({ name: 'roles', label: 'Roles', options: roles, checked: values.roles, errors })}
${fieldRowsTable(values.fieldRows, errors)}
${textField({ name: 'password', label: isNew ? 'Password' : 'New password', value: '', errors, type: 'password', autocomplete: 'new-password', help: isNew ? 'Empty: one is generated and shown once.' : 'Empty: unchanged. A new password revokes the user’s tokens.' })}
<button type="submit">${isNew ? 'Create user' : 'Save'}</button>
</form>`;
  }

  const valuesFrom = (form: Record<string, unknown>): Values => ({
    name: field(form, 'name').trim(),
    mail: field(form, 'mail').trim(),
    roles: fields(form, 'roles'),
    fieldRows: fields(form, 'field_name')
      .map((name, i): [string, string] => [name.trim(), (fields(form, 'field_value')[i] ?? '').trim()])
      .filter(([n, v]) => n || v),
  });
  const errorsOf = (error: ValidationError): FormErrors => ({ [error.field.split('.')[0]]: error.message.slice(error.field.length + 2) });

  async function existing(reply: FastifyReply, visitor: ConsoleVisitor, raw: string): Promise<User | null> {
    const uid = /^\d{1,15}$/.test(raw) ? Number(raw) : -1;
    const user = uid > ANONYMOUS_UID ? await store.users.findById(uid) : null;
    if (!user) page(reply, 404, visitor, 'User not found', html`<p>No such user. <a href="/admin/users">All users</a></p>`);
    return user;
  }

  app.get('/admin/users', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const query = request.query as Record<string, string>;
    const text = typeof query.q === 'string' ? query.q.slice(0, 254) : '';
    const pageNo = /^\d{1,6}$/.test(query.page ?? '') ? Math.max(1, Number(query.page)) : 1;
    const { users, total } = await store.users.search({ query: text, limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const link = (n: number) => `/admin/users?${new URLSearchParams({ ...(text ? { q: text } : {}), page: String(n) })}`;
    return page(
      reply,
      200,
      visitor,
      'Users',
      html`<form method="get" action="/admin/users" class="inline-search" role="search">
<label for="f-q">Search by name or e-mail</label> <input type="search" id="f-q" name="q" value="${text}"> <button type="submit">Search</button>
</form>
<p><a class="button" href="/admin/users/new">New user</a></p>
<p class="muted">${total} user${total === 1 ? '' : 's'}${text ? html` matching “${text}”` : ''}.</p>
<table><thead><tr><th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">Roles</th><th scope="col">Status</th><th scope="col">Last login</th></tr></thead><tbody>
${users.map((u) => html`<tr><td><a href="/admin/users/${u.uid}">${u.name}</a></td><td>${u.mail ?? '—'}</td><td>${u.roles.join(', ') || '—'}</td><td>${u.status ? 'active' : 'blocked'}</td><td>${when(u.login)}</td></tr>`)}
</tbody></table>
<nav class="pager" aria-label="Pages">${pageNo > 1 ? html`<a href="${link(pageNo - 1)}" rel="prev">Previous</a>` : ''} <span>Page ${pageNo} of ${pages}</span> ${pageNo < pages ? html`<a href="${link(pageNo + 1)}" rel="next">Next</a>` : ''}</nav>`,
    );
  });

  app.get('/admin/users/new', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    return page(reply, 200, visitor, 'New user', await userForm(visitor, '/admin/users/new', { name: '', mail: '', roles: [], fieldRows: [] }, {}, true));
  });

  app.post('/admin/users/new', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, NEED);
    if (!visitor) return reply;
    const values = valuesFrom(visitor.form);
    const given = field(visitor.form, 'password');
    try {
      const { user, password } = await createUser(
        ctx,
        { name: values.name, mail: values.mail || null, roles: values.roles, fields: fieldsFrom(values.fieldRows), ...(given ? { password: given } : {}) },
        consoleActor(services, visitor, request),
      );
      if (password === null) return reply.redirect(`/admin/users/${user.uid}?created=1`, 303);
      return redirectToSecret(services, request, reply, {
        kind: 'user-password',
        title: `User ${user.name} created`,
        uid: user.uid,
        userName: user.name,
        secret: password,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return page(reply, 400, visitor, 'New user', await userForm(visitor, '/admin/users/new', values, errorsOf(error), true));
    }
  });

  app.get<{ Params: { uid: string } }>('/admin/users/:uid', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, NEED);
    if (!visitor) return reply;
    const user = await existing(reply, visitor, request.params.uid);
    if (!user) return reply;
    const grants = await store.refreshTokens.active({ userId: user.uid }, nowSeconds(services.clock));
    const query = request.query as Record<string, string>;
    const notice = query.saved
      ? 'Saved.'
      : query.created
        ? 'User created.'
        : query.revoked
          ? 'Tokens revoked.'
          : query.blocked
            ? 'User blocked; their tokens are revoked.'
            : query.unblocked
              ? 'User unblocked.'
              : query.apikeyrevoked
                ? 'API key revoked.'
                : query.factorsreset
                  ? 'Second factors reset.'
                  : null;
    return page(
      reply,
      200,
      visitor,
      user.name,
      html`<p>Status: <strong>${user.status ? 'active' : 'blocked'}</strong> · created ${when(user.created)} · last login ${when(user.login)}</p>
<p><a class="button ${user.status ? 'danger' : 'secondary'}" href="/admin/users/${user.uid}/${user.status ? 'block' : 'unblock'}">${user.status ? 'Block…' : 'Unblock…'}</a></p>
${await userForm(visitor, `/admin/users/${user.uid}`, { name: user.name, mail: user.mail ?? '', roles: user.roles, fieldRows: rowsOf(user.fields) }, {}, false)}
<h2>Active grants</h2>
${
  grants.length === 0
    ? html`<p class="muted">No active refresh-token grants.</p>`
    : html`<table><thead><tr><th scope="col">Client</th><th scope="col">Scopes</th><th scope="col">Last refreshed</th><th scope="col"></th></tr></thead><tbody>
${grants.map((g) => html`<tr><td>${g.clientId}</td><td>${g.scopes.join(' ') || '—'}</td><td>${when(g.issuedAt)}</td><td><form method="post" action="/admin/grants/revoke">${csrfInput(visitor.csrf)}<input type="hidden" name="id" value="${g.familyId}"><input type="hidden" name="back" value="/admin/users/${user.uid}"><button type="submit" class="danger">Revoke</button></form></td></tr>`)}
</tbody></table>`
}
<p><a class="button secondary" href="/admin/users/${user.uid}/revoke">Revoke all tokens…</a></p>
<h2>Second factors</h2>
<p id="second-factors">${(await services.secondFactors.status(user)).totp === 'active' ? 'Authenticator app set up.' : 'No authenticator app.'} ${passkeyCount(
        (await services.store.webauthnCredentials.listByUser(user.uid)).length,
      )}</p>
<p><a class="button secondary" href="/admin/users/${user.uid}/reset-factors">Reset second factors…</a></p>
${await apiKeySection(ctx, user, visitor.csrf)}`,
      notice,
    );
  });

  app.post<{ Params: { uid: string } }>('/admin/users/:uid', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, NEED);
    if (!visitor) return reply;
    const user = await existing(reply, visitor, request.params.uid);
    if (!user) return reply;
    const values = valuesFrom(visitor.form);
    const password = field(visitor.form, 'password');
    try {
      await updateUser(
        ctx,
        user.uid,
        { name: values.name, mail: values.mail || null, roles: values.roles, fields: fieldsFrom(values.fieldRows), ...(password ? { password } : {}) },
        consoleActor(services, visitor, request),
      );
      return reply.redirect(`/admin/users/${user.uid}?saved=1`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return page(reply, 400, visitor, user.name, await userForm(visitor, `/admin/users/${user.uid}`, values, errorsOf(error), false));
    }
  });

  const steps = [
    {
      path: 'block',
      title: 'Block user',
      question: (u: User) => `Block ${u.name}?`,
      consequence: 'They can no longer sign in, and every token they hold is revoked.',
      button: 'Block user',
      run: (u: User, actor: Actor) => blockUser(ctx, u.uid, actor),
      done: 'blocked=1',
    },
    {
      path: 'unblock',
      title: 'Unblock user',
      question: (u: User) => `Unblock ${u.name}?`,
      consequence: 'They can sign in again.',
      button: 'Unblock user',
      run: (u: User, actor: Actor) => unblockUser(ctx, u.uid, actor),
      done: 'unblocked=1',
    },
    {
      path: 'revoke',
      title: 'Revoke all tokens',
      question: (u: User) => `Revoke every token of ${u.name}?`,
      consequence: 'Every application they use must sign them in again.',
      button: 'Revoke all tokens',
      run: (u: User, actor: Actor) => revokeUserGrants(ctx, u.uid, actor),
      done: 'revoked=1',
    },
    {
      path: 'reset-factors',
      title: 'Reset second factors',
      question: (u: User) => `Remove every second factor of ${u.name}?`,
      consequence:
        'Their authenticator app, recovery codes and passkeys stop working. If a role requires a second factor, they set up a new one at their next login.',
      button: 'Reset second factors',
      run: async (u: User, actor: Actor) => {
        await resetSecondFactors(ctx, u.uid, actor);
      },
      done: 'factorsreset=1',
    },
  ];
  for (const step of steps) {
    app.get<{ Params: { uid: string } }>(`/admin/users/:uid/${step.path}`, { config: PUBLIC }, async (request, reply) => {
      const visitor = await consoleVisitor(services, request, reply, NEED);
      if (!visitor) return reply;
      const user = await existing(reply, visitor, request.params.uid);
      if (!user) return reply;
      return page(
        reply,
        200,
        visitor,
        step.title,
        confirmForm({
          action: `/admin/users/${user.uid}/${step.path}`,
          csrf: visitor.csrf,
          question: step.question(user),
          consequence: step.consequence,
          button: step.button,
          back: `/admin/users/${user.uid}`,
        }),
      );
    });
    app.post<{ Params: { uid: string } }>(`/admin/users/:uid/${step.path}`, { config: PUBLIC }, async (request, reply) => {
      const visitor = await consoleSubmitter(services, request, reply, NEED);
      if (!visitor) return reply;
      const user = await existing(reply, visitor, request.params.uid);
      if (!user) return reply;
      if (field(visitor.form, 'confirm') !== 'yes') return reply.redirect(`/admin/users/${user.uid}/${step.path}`, 303);
      try {
        await step.run(user, consoleActor(services, visitor, request));
      } catch (error) {
        if (error instanceof NotFoundError && !(await existing(reply, visitor, request.params.uid))) return reply;
        if (!(error instanceof ValidationError)) throw error;
        return page(
          reply,
          400,
          visitor,
          step.title,
          html`<p class="error" role="alert">${error.message}</p><p><a href="/admin/users/${user.uid}">Back</a></p>`,
        );
      }
      return reply.redirect(`/admin/users/${user.uid}?${step.done}`, 303);
    });
  }
}
