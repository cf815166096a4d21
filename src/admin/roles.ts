// Creating and updating roles. `administrator` always holds every permission.
import { isValidPermissionName } from '../domain/permissions.js';
import { ADMINISTRATOR_ROLE, isValidRoleId, type Role } from '../domain/role.js';
import type { Store } from '../store/store.js';
import { checkText, ValidationError } from './validation-error.js';

export interface RoleInput {
  id: string;
  label?: string;
  permissions?: string[];
}

export function validateRole(input: RoleInput): Role {
  if (!isValidRoleId(input.id))
    throw new ValidationError('id', `"${String(input.id)}" is not a valid role id (lower-case letters, digits, _; starting with a letter)`);
  const permissions = input.permissions ?? [];
  if (!Array.isArray(permissions)) throw new ValidationError('permissions', 'must be a list');
  for (const p of permissions) if (!isValidPermissionName(p)) throw new ValidationError('permissions', `"${String(p)}" is not a valid permission name`);
  checkText('label', input.label, 255);
  const isAdmin = input.id === ADMINISTRATOR_ROLE;
  return { id: input.id, label: input.label || input.id, permissions: isAdmin ? [] : [...new Set(permissions)].sort(), isAdmin };
}

/**
 * Creates or updates a role. Tokens need no revocation: their permissions are computed from the
 * role's current permissions at every request.
 */
export async function upsertRole(store: Store, input: RoleInput): Promise<'created' | 'updated' | 'unchanged'> {
  const role = validateRole(input);
  const existing = await store.roles.get(role.id);
  if (existing && existing.label === role.label && existing.isAdmin === role.isAdmin && sameList(existing.permissions, role.permissions)) return 'unchanged';
  await store.roles.upsert(role);
  return existing ? 'updated' : 'created';
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
}
