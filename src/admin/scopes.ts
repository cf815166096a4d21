// Operations on scopes (Simple OAuth 6 model: one permission or one role per scope, allowed grant
// types, umbrella scopes whose children are what they grant): create or update, delete.
import { scopeGrants } from '../domain/access.js';
import { GRANT_TYPES, isGrantType, type GrantType } from '../domain/grant-types.js';
import { isValidPermissionName } from '../domain/permissions.js';
import { isBuiltInScope, isValidScopeName, type Scope, type ScopeGranularity } from '../domain/scope.js';
import type { Store } from '../store/store.js';
import { administersUsers, checkedActor, currentCatalog, requireMayGrant, type Actor } from './actor.js';
import { recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import { inUse } from './in-use.js';
import { REFERENCES_LOCK } from './locks.js';
import { UNCHANGED, type Upserted } from './outcome.js';
import { sameList } from './same-list.js';
import { checkText, NotFoundError, ValidationError } from './validation-error.js';

export interface ScopeInput {
  name: string;
  description: string;
  grantTypes?: string[];
  umbrella?: boolean;
  parent?: string | null;
  granularity?: ScopeGranularity | null;
  permission?: string | null;
  role?: string | null;
}

export function validateScope(input: ScopeInput): Scope {
  if (!isValidScopeName(input.name))
    throw new ValidationError('name', `"${String(input.name)}" is not a valid scope name (RFC 6749 §3.3 characters, at most 128)`);
  if (isBuiltInScope(input.name)) throw new ValidationError('name', `${input.name} is a built-in OpenID Connect scope and cannot be redefined`);
  if (typeof input.description !== 'string' || input.description.trim() === '')
    throw new ValidationError('description', 'is required (it is shown on the consent page)');
  checkText('description', input.description, 1024);
  const grantTypes = input.grantTypes ?? [...GRANT_TYPES];
  if (!Array.isArray(grantTypes) || grantTypes.length === 0) throw new ValidationError('grantTypes', 'must list at least one grant type');
  for (const g of grantTypes)
    if (!isGrantType(g)) throw new ValidationError('grantTypes', `"${String(g)}" is not a grant type Gatehouse supports (${GRANT_TYPES.join(', ')})`);
  const umbrella = input.umbrella === true;
  const parent = input.parent ?? null;
  if (parent !== null && !isValidScopeName(parent)) throw new ValidationError('parent', `"${String(parent)}" is not a valid scope name`);
  if (parent === input.name) throw new ValidationError('parent', 'a scope cannot be its own parent');
  let granularity = input.granularity ?? null;
  if (granularity === null && !umbrella) granularity = input.role ? 'role' : 'permission';
  if (umbrella && granularity !== null && (input.permission || input.role))
    throw new ValidationError('umbrella', 'an umbrella scope grants only what its children grant: give it no permission or role');
  let permission: string | null = null;
  let role: string | null = null;
  if (!umbrella && granularity === 'permission') {
    if (!isValidPermissionName(input.permission)) throw new ValidationError('permission', 'is required for a scope of permission granularity');
    permission = input.permission;
  } else if (!umbrella && granularity === 'role') {
    if (typeof input.role !== 'string' || input.role === '') throw new ValidationError('role', 'is required for a scope of role granularity');
    role = input.role;
  } else if (!umbrella) {
    throw new ValidationError('granularity', `must be "permission" or "role", got "${String(granularity)}"`);
  }
  return {
    name: input.name,
    description: input.description.trim(),
    grantTypes: [...new Set(grantTypes as GrantType[])],
    umbrella,
    parent,
    granularity: umbrella ? null : granularity,
    permission,
    role,
  };
}

/** Checks references a scope makes (its role, its parent) against the store. */
async function checkReferences(store: Store, scope: Scope): Promise<void> {
  if (scope.role !== null && !(await store.roles.get(scope.role))) throw new ValidationError('role', `no role "${scope.role}" exists`);
  if (scope.parent !== null) {
    const parent = await store.scopes.get(scope.parent);
    if (!parent) throw new ValidationError('parent', `no scope "${scope.parent}" exists`);
    if (!parent.umbrella) throw new ValidationError('parent', `"${scope.parent}" is not an umbrella scope`);
  }
}

/**
 * What a scope hands out changes with its permission, role, umbrella, parent (its grants flow
 * into the parent umbrella) and grant types (which tokens may carry it). Whoever changes that must
 * hold what the scope will grant — else `administer scopes` could re-point a scope already held
 * by a client acting as the administrator.
 */
async function requireMayDefine(store: Store, actor: Actor, existing: Scope | null, scope: Scope): Promise<void> {
  if (actor.kind === 'operator' || administersUsers(actor)) return;
  const grantsChanged =
    existing === null ||
    (['granularity', 'permission', 'role', 'umbrella', 'parent'] as const).some((k) => existing[k] !== scope[k]) ||
    !sameList(existing.grantTypes, scope.grantTypes);
  if (!grantsChanged) return;
  const catalog = await currentCatalog(store);
  const scopes = new Map(catalog.scopes);
  scopes.set(scope.name, scope);
  const granted = scopeGrants([scope.name], { roles: catalog.roles, scopes }).permissions;
  const field = scope.umbrella ? 'umbrella' : scope.granularity === 'role' ? 'role' : 'permission';
  requireMayGrant(actor, granted, field, `The scope "${scope.name}"`);
}

/** Creates or replaces a scope; `actor` must hold what it will grant (the CLI and apply: OPERATOR). */
export async function upsertScope(ctx: AdminContext, input: ScopeInput, actor: Actor): Promise<Upserted> {
  checkedActor(actor);
  const scope = validateScope(input);
  const result = await ctx.store.transaction(async (store): Promise<Upserted> => {
    // the role or parent it names is not deleted between the check and the write
    await store.lock(REFERENCES_LOCK);
    await checkReferences(store, scope);
    const existing = await store.scopes.get(scope.name);
    const changed = existing ? changedScopeFields(existing, scope) : [];
    if (existing && changed.length === 0) return UNCHANGED;
    await requireMayDefine(store, actor, existing, scope);
    await store.scopes.upsert(scope);
    return { outcome: existing ? 'updated' : 'created', changed };
  });
  if (result.outcome === 'unchanged') return result;
  const detail = result.changed.length ? `${scope.name}: ${result.changed.join(',')}` : scope.name;
  await recordChange(ctx, actor, { event: `admin.scope.${result.outcome}`, detail });
  await ctx.views.catalog();
  return result;
}

function changedScopeFields(a: Scope, b: Scope): string[] {
  const fields = (['description', 'umbrella', 'parent', 'granularity', 'permission', 'role'] as const).filter((k) => a[k] !== b[k]);
  return sameList(a.grantTypes, b.grantTypes) ? fields : [...fields, 'grantTypes'];
}

/**
 * Deletes a scope no client lists and no scope names as its parent; the built-in OpenID Connect
 * scopes are not rows and cannot be deleted. Tokens already carrying it keep nothing by it: effective
 * access is computed from the scopes that exist at each request.
 */
export async function deleteScope(ctx: AdminContext, name: string, actor: Actor): Promise<void> {
  checkedActor(actor);
  if (isBuiltInScope(name)) throw new ValidationError('name', `${name} is a built-in OpenID Connect scope and cannot be deleted`);
  await ctx.store.transaction(async (store) => {
    // no client is given the scope, nor a scope made its child, between the check and the delete
    await store.lock(REFERENCES_LOCK);
    if (!(await store.scopes.get(name))) throw new NotFoundError(`no scope "${name}" exists`);
    const clients = (await store.clients.list()).filter((c) => c.scopes.includes(name) || c.authorizationCodeScopes.includes(name)).map((c) => c.clientId);
    const children = (await store.scopes.list()).filter((s) => s.parent === name).map((s) => s.name);
    inUse('name', `the scope "${name}"`, [
      { what: 'listed by', kind: clients.length === 1 ? 'client' : 'clients', names: clients.slice(0, 10), total: clients.length },
      { what: 'the parent of', kind: children.length === 1 ? 'scope' : 'scopes', names: children.slice(0, 10), total: children.length },
    ]);
    await store.scopes.delete(name);
  });
  await recordChange(ctx, actor, { event: 'admin.scope.deleted', detail: name });
  await ctx.views.catalog();
}
