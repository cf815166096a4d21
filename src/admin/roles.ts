// Operations on roles: create or update, delete (refused while anyone holds the role or a scope
// grants it). `administrator` always holds every permission; it and `authenticated` are built in.
import { isValidPermissionName } from '../domain/permissions.js';
import { ADMINISTRATOR_ROLE, AUTHENTICATED_ROLE, isValidRoleId, type Role } from '../domain/role.js';
import { checkedActor, type Actor } from './actor.js';
import { recordChange } from './admin-audit.js';
import type { AdminContext } from './admin-context.js';
import { inUse } from './in-use.js';
import { REFERENCES_LOCK } from './locks.js';
import { UNCHANGED, type Upserted } from './outcome.js';
import { sameList } from './same-list.js';
import { checkText, NotFoundError, ValidationError } from './validation-error.js';

export interface RoleInput {
  id: string;
  label?: string;
  permissions?: string[];
  /** holders must log in with a second factor (default false) */
  mfaRequired?: boolean;
}

export function validateRole(input: RoleInput): Role {
  if (!isValidRoleId(input.id))
    throw new ValidationError('id', `"${String(input.id)}" is not a valid role id (lower-case letters, digits, _; starting with a letter)`);
  const permissions = input.permissions ?? [];
  if (!Array.isArray(permissions)) throw new ValidationError('permissions', 'must be a list');
  for (const p of permissions) if (!isValidPermissionName(p)) throw new ValidationError('permissions', `"${String(p)}" is not a valid permission name`);
  checkText('label', input.label, 255);
  if (input.mfaRequired !== undefined && typeof input.mfaRequired !== 'boolean') throw new ValidationError('mfaRequired', 'must be true or false');
  const isAdmin = input.id === ADMINISTRATOR_ROLE;
  return {
    id: input.id,
    label: input.label || input.id,
    permissions: isAdmin ? [] : [...new Set(permissions)].sort(),
    isAdmin,
    mfaRequired: input.mfaRequired === true,
  };
}

function changedRoleFields(a: Role, b: Role): string[] {
  return [
    a.label !== b.label && 'label',
    a.isAdmin !== b.isAdmin && 'isAdmin',
    !sameList(a.permissions, b.permissions) && 'permissions',
    (a.mfaRequired === true) !== (b.mfaRequired === true) && 'mfaRequired',
  ].filter((f): f is string => typeof f === 'string');
}

/**
 * Creates or updates a role. Tokens need no revocation: their permissions are computed from the
 * role's current permissions at every request.
 */
export async function upsertRole(ctx: AdminContext, input: RoleInput, actor: Actor): Promise<Upserted> {
  checkedActor(actor);
  const role = validateRole(input);
  const existing = await ctx.store.roles.get(role.id);
  const changed = existing ? changedRoleFields(existing, role) : [];
  if (existing && changed.length === 0) return UNCHANGED;
  await ctx.store.roles.upsert(role);
  const outcome = existing ? 'updated' : 'created';
  await recordChange(ctx, actor, { event: `admin.role.${outcome}`, detail: changed.length ? `${role.id}: ${changed.join(',')}` : role.id });
  await ctx.views.catalog();
  return { outcome, changed };
}

/** Deletes a role no account holds and no scope grants; the built-in roles stay. */
export async function deleteRole(ctx: AdminContext, id: string, actor: Actor): Promise<void> {
  checkedActor(actor);
  if (id === ADMINISTRATOR_ROLE || id === AUTHENTICATED_ROLE) throw new ValidationError('id', `${id} is a built-in role and cannot be deleted`);
  await ctx.store.transaction(async (store) => {
    // no user is given the role, nor a scope made to grant it, between the check and the delete
    await store.lock(REFERENCES_LOCK);
    if (!(await store.roles.get(id))) throw new NotFoundError(`no role "${id}" exists`);
    const holders = await store.roles.holders(id, 10);
    const scopes = (await store.scopes.list()).filter((s) => s.role === id).map((s) => s.name);
    inUse('id', `the role "${id}"`, [
      { what: 'held by', kind: holders.total === 1 ? 'user' : 'users', names: holders.names, total: holders.total },
      { what: 'granted by', kind: scopes.length === 1 ? 'scope' : 'scopes', names: scopes, total: scopes.length },
    ]);
    await store.roles.delete(id);
  });
  await recordChange(ctx, actor, { event: 'admin.role.deleted', detail: id });
  await ctx.views.catalog();
}
