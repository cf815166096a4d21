// Console: roles with their permissions, and scopes (granularity, grant types, umbrella/parent).
// Each has a list with a form per item and a form for a new one; saving is an upsert.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { upsertRole } from '../../admin/roles.js';
import { upsertScope, type ScopeInput } from '../../admin/scopes.js';
import { ForbiddenError, ValidationError } from '../../admin/validation-error.js';
import { GRANT_TYPES } from '../../domain/grant-types.js';
import { BUILT_IN_PERMISSIONS, PERMISSIONS } from '../../domain/permissions.js';
import type { Role } from '../../domain/role.js';
import type { Scope } from '../../domain/scope.js';
import { PUBLIC } from '../../resource/route-access.js';
import type { Services } from '../../services.js';
import { html, type Html } from '../html.js';
import { sendPage } from '../page-reply.js';
import { consoleActor, consoleSubmitter, consoleVisitor, type ConsoleVisitor } from './console-auth.js';
import { adminLayout, checkbox, checkboxes, csrfInput, field, fields, lines, select, textArea, textField, type FormErrors } from './console-kit.js';

const errorsOf = (error: ValidationError): FormErrors => ({ [error.field.split('.')[0]]: error.message.slice(error.field.length + 2) });

export async function accessPages(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { store } = services;
  const page = (reply: FastifyReply, status: number, visitor: ConsoleVisitor, section: string, title: string, body: Html, notice?: string | null) =>
    sendPage(reply, status, adminLayout({ title, userName: visitor.user.name, section, csrf: visitor.csrf, notice }, body));

  // ---- roles
  function roleForm(
    visitor: ConsoleVisitor,
    role: { id: string; label: string; permissions: string; mfaRequired: boolean },
    errors: FormErrors,
    isNew: boolean,
    isAdmin = false,
  ): Html {
    return html`<form method="post" action="/admin/roles" class="card" novalidate>
${csrfInput(visitor.csrf)}
${isNew ? textField({ name: 'id', label: 'Role id', value: role.id, errors, help: 'Lower case letters, digits, _ and -.' }) : html`<input type="hidden" name="id" value="${role.id}"><h2>${role.label} <code class="muted">${role.id}</code></h2>`}
${textField({ name: 'label', label: 'Label', value: role.label, errors })}
${isAdmin ? html`<p class="muted">Holds every permission.</p>` : textArea({ name: 'permissions', label: 'Permissions', value: role.permissions, errors, help: `One per line. Gatehouse checks: ${BUILT_IN_PERMISSIONS.join(', ')}.` })}
${checkbox({ name: 'mfaRequired', label: 'Require a second factor', checked: role.mfaRequired, errors, help: 'Holders without one set up an authenticator app at their next login.' })}
<button type="submit">${isNew ? 'Create role' : 'Save role'}</button>
</form>`;
  }

  async function rolesPage(
    reply: FastifyReply,
    visitor: ConsoleVisitor,
    status: number,
    failed?: { id: string; label: string; permissions: string; mfaRequired: boolean; errors: FormErrors; isNew: boolean },
    notice?: string | null,
  ) {
    const roles = (await store.roles.list()).filter((r) => r.id !== 'authenticated');
    const shown = (r: Role) =>
      failed && !failed.isNew && failed.id === r.id
        ? roleForm(visitor, failed, failed.errors, false, r.isAdmin)
        : roleForm(visitor, { id: r.id, label: r.label, permissions: r.permissions.join('\n'), mfaRequired: r.mfaRequired === true }, {}, false, r.isAdmin);
    return page(
      reply,
      status,
      visitor,
      '/admin/roles',
      'Roles',
      html`${roles.map(shown)}
<h2>New role</h2>
${failed?.isNew ? roleForm(visitor, failed, failed.errors, true) : roleForm(visitor, { id: '', label: '', permissions: '', mfaRequired: false }, {}, true)}`,
      notice,
    );
  }

  app.get('/admin/roles', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, PERMISSIONS.administerUsers);
    if (!visitor) return reply;
    const saved = (request.query as Record<string, string>).saved;
    return rolesPage(reply, visitor, 200, undefined, saved ? `Role ${saved} saved.` : null);
  });

  app.post('/admin/roles', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, PERMISSIONS.administerUsers);
    if (!visitor) return reply;
    const id = field(visitor.form, 'id').trim();
    const existing = await store.roles.get(id);
    const label = field(visitor.form, 'label').trim();
    const permissions = field(visitor.form, 'permissions');
    const mfaRequired = field(visitor.form, 'mfaRequired') === '1';
    try {
      await upsertRole(
        services.admin,
        { id, label: label || undefined, permissions: existing?.isAdmin ? existing.permissions : lines(permissions), mfaRequired },
        consoleActor(services, visitor, request),
      );
      return reply.redirect(`/admin/roles?${new URLSearchParams({ saved: id })}`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return rolesPage(reply, visitor, 400, { id, label, permissions, mfaRequired, errors: errorsOf(error), isNew: !existing });
    }
  });

  // ---- scopes
  interface ScopeValues {
    name: string;
    description: string;
    granularity: string;
    permission: string;
    role: string;
    grantTypes: string[];
    umbrella: boolean;
    parent: string;
  }
  const scopeValues = (s: Scope): ScopeValues => ({
    ...s,
    granularity: s.granularity ?? '',
    permission: s.permission ?? '',
    role: s.role ?? '',
    parent: s.parent ?? '',
  });
  const scopeValuesFrom = (form: Record<string, unknown>): ScopeValues => ({
    name: field(form, 'name').trim(),
    description: field(form, 'description'),
    granularity: field(form, 'granularity'),
    permission: field(form, 'permission').trim(),
    role: field(form, 'role'),
    grantTypes: fields(form, 'grantTypes'),
    umbrella: field(form, 'umbrella') === '1',
    parent: field(form, 'parent'),
  });

  async function scopeForm(visitor: ConsoleVisitor, values: ScopeValues, errors: FormErrors, isNew: boolean): Promise<Html> {
    const roles = (await store.roles.list()).map((r) => ({ value: r.id, label: r.label }));
    const umbrellas = (await store.scopes.list()).filter((s) => s.umbrella && s.name !== values.name).map((s) => ({ value: s.name, label: s.name }));
    return html`<form method="post" action="/admin/scopes" class="card" novalidate>
${csrfInput(visitor.csrf)}
${isNew ? textField({ name: 'name', label: 'Scope name', value: values.name, errors }) : html`<input type="hidden" name="name" value="${values.name}"><h2><code>${values.name}</code></h2>`}
${textField({ name: 'description', label: 'Description (shown on the consent page)', value: values.description, errors })}
${checkbox({ name: 'umbrella', label: 'Umbrella scope (grants what its children grant)', checked: values.umbrella, errors })}
${select({
  name: 'granularity',
  label: 'Grants',
  value: values.granularity,
  errors,
  options: [
    { value: '', label: '— (umbrella)' },
    { value: 'permission', label: 'a permission' },
    { value: 'role', label: 'a role' },
  ],
})}
${textField({ name: 'permission', label: 'Permission', value: values.permission, errors })}
${select({ name: 'role', label: 'Role', value: values.role, errors, options: [{ value: '', label: '—' }, ...roles] })}
${select({ name: 'parent', label: 'Parent (umbrella) scope', value: values.parent, errors, options: [{ value: '', label: '—' }, ...umbrellas] })}
${checkboxes({ name: 'grantTypes', label: 'Allowed grant types (none checked: all)', options: GRANT_TYPES.map((g) => ({ value: g, label: g })), checked: values.grantTypes, errors })}
<button type="submit">${isNew ? 'Create scope' : 'Save scope'}</button>
</form>`;
  }

  async function scopesPage(
    reply: FastifyReply,
    visitor: ConsoleVisitor,
    status: number,
    failed?: ScopeValues & { errors: FormErrors; isNew: boolean },
    notice?: string | null,
  ) {
    const scopes = await store.scopes.list();
    const forms: Html[] = [];
    for (const s of scopes)
      forms.push(
        failed && !failed.isNew && failed.name === s.name
          ? await scopeForm(visitor, failed, failed.errors, false)
          : await scopeForm(visitor, scopeValues(s), {}, false),
      );
    const blank: ScopeValues = { name: '', description: '', granularity: 'permission', permission: '', role: '', grantTypes: [], umbrella: false, parent: '' };
    return page(
      reply,
      status,
      visitor,
      '/admin/scopes',
      'Scopes',
      html`<p class="muted">openid, profile and email are built in.</p>${forms}
<h2>New scope</h2>
${failed?.isNew ? await scopeForm(visitor, failed, failed.errors, true) : await scopeForm(visitor, blank, {}, true)}`,
      notice,
    );
  }

  app.get('/admin/scopes', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleVisitor(services, request, reply, PERMISSIONS.administerScopes);
    if (!visitor) return reply;
    const saved = (request.query as Record<string, string>).saved;
    return scopesPage(reply, visitor, 200, undefined, saved ? `Scope ${saved} saved.` : null);
  });

  app.post('/admin/scopes', { config: PUBLIC }, async (request, reply) => {
    const visitor = await consoleSubmitter(services, request, reply, PERMISSIONS.administerScopes);
    if (!visitor) return reply;
    const values = scopeValuesFrom(visitor.form);
    const existing = await store.scopes.get(values.name);
    const input: ScopeInput = {
      name: values.name,
      description: values.description,
      umbrella: values.umbrella,
      granularity: values.umbrella ? null : ((values.granularity || null) as ScopeInput['granularity']),
      permission: values.granularity === 'permission' ? values.permission || null : null,
      role: values.granularity === 'role' ? values.role || null : null,
      parent: values.parent || null,
      grantTypes: values.grantTypes.length ? values.grantTypes : undefined,
    };
    try {
      await upsertScope(services.admin, input, consoleActor(services, visitor, request));
      return reply.redirect(`/admin/scopes?${new URLSearchParams({ saved: values.name })}`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return scopesPage(reply, visitor, error instanceof ForbiddenError ? 403 : 400, { ...values, errors: errorsOf(error), isNew: !existing });
    }
  });
}
