// Effective access of a token: the user's permissions ∩ the permissions its scopes grant, and the
// user's roles ∩ the roles its scopes grant (docs/compatibility.md §4; SA-CONTRIB-2025-114 was a
// bypass of exactly this intersection).
import type { ClaimMapping } from './claim-mapping.js';
import type { Resource } from './resource.js';
import { ADMINISTRATOR_ROLE, AUTHENTICATED_ROLE, type Role } from './role.js';
import type { Scope } from './scope.js';

/** A set of permissions that may be "every permission" (the administrator role). */
export class PermissionSet {
  private constructor(
    readonly all: boolean,
    private readonly names: ReadonlySet<string>,
  ) {}

  static of(names: Iterable<string>): PermissionSet {
    return new PermissionSet(false, new Set(names));
  }

  static everything(): PermissionSet {
    return new PermissionSet(true, new Set());
  }

  has(permission: string): boolean {
    return this.all || this.names.has(permission);
  }

  intersect(other: PermissionSet): PermissionSet {
    if (this.all) return other;
    if (other.all) return this;
    return PermissionSet.of([...this.names].filter((p) => other.names.has(p)));
  }

  union(other: PermissionSet): PermissionSet {
    if (this.all || other.all) return PermissionSet.everything();
    return PermissionSet.of([...this.names, ...other.names]);
  }

  /** What of this set `holder` lacks: `'all'` when this is every permission and the holder is not. */
  notHeldBy(holder: PermissionSet): string[] | 'all' {
    if (holder.all) return [];
    if (this.all) return 'all';
    return this.list().filter((p) => !holder.has(p));
  }

  /** the named permissions (empty when `all`: "every permission" has no finite list) */
  list(): string[] {
    return [...this.names].sort();
  }
}

export interface AccessCatalog {
  roles: ReadonlyMap<string, Role>;
  scopes: ReadonlyMap<string, Scope>;
  /** custom claims by scope (issue 14); none when absent */
  claimMappings?: ReadonlyMap<string, ClaimMapping>;
  /** resources registered for resource indicators (RFC 8707), by URI */
  resources?: ReadonlyMap<string, Resource>;
}

export interface EffectiveAccess {
  permissions: PermissionSet;
  /** roles the token carries: user's roles ∩ roles granted by role scopes, plus `authenticated` */
  roles: string[];
}

/** Roles a user holds: the stored ones plus the implied `authenticated`. Unknown role ids are ignored. */
export function userRoleIds(roles: readonly string[], catalog: AccessCatalog): string[] {
  const held = roles.filter((r) => r !== AUTHENTICATED_ROLE && catalog.roles.has(r));
  return [AUTHENTICATED_ROLE, ...new Set(held)];
}

function permissionsOfRoles(roleIds: readonly string[], catalog: AccessCatalog): PermissionSet {
  const names = new Set<string>();
  for (const id of roleIds) {
    const role = catalog.roles.get(id);
    if (!role) continue;
    if (role.isAdmin || id === ADMINISTRATOR_ROLE) return PermissionSet.everything();
    for (const p of role.permissions) names.add(p);
  }
  return PermissionSet.of(names);
}

/** The user's own permissions, from their roles. */
export function userPermissions(roles: readonly string[], catalog: AccessCatalog): PermissionSet {
  return permissionsOfRoles(userRoleIds(roles, catalog), catalog);
}

/** Expands umbrella scopes to the leaf scopes they stand for (children, recursively). */
export function expandScopes(names: readonly string[], catalog: AccessCatalog): Scope[] {
  const children = new Map<string, Scope[]>();
  for (const scope of catalog.scopes.values()) {
    if (scope.parent) children.set(scope.parent, [...(children.get(scope.parent) ?? []), scope]);
  }
  const seen = new Set<string>();
  const out: Scope[] = [];
  const visit = (scope: Scope): void => {
    if (seen.has(scope.name)) return; // a cycle in parents must not loop forever
    seen.add(scope.name);
    out.push(scope);
    for (const child of children.get(scope.name) ?? []) visit(child);
  };
  for (const name of names) {
    const scope = catalog.scopes.get(name);
    if (scope) visit(scope);
  }
  return out;
}

/** What a set of granted scopes grants, before intersecting with the user. */
export function scopeGrants(names: readonly string[], catalog: AccessCatalog): { permissions: PermissionSet; roles: string[] } {
  const permissions = new Set<string>();
  const roles = new Set<string>();
  let all = false;
  for (const scope of expandScopes(names, catalog)) {
    if (scope.umbrella) continue;
    if (scope.granularity === 'permission' && scope.permission) permissions.add(scope.permission);
    if (scope.granularity === 'role' && scope.role) {
      const role = catalog.roles.get(scope.role);
      if (!role) continue;
      roles.add(role.id);
      if (role.isAdmin) all = true;
      else for (const p of role.permissions) permissions.add(p);
    }
  }
  return { permissions: all ? PermissionSet.everything() : PermissionSet.of(permissions), roles: [...roles] };
}

/** Effective access of a token for a user holding `userRoles`, granted `scopeNames`. */
export function effectiveAccess(userRoles: readonly string[], scopeNames: readonly string[], catalog: AccessCatalog): EffectiveAccess {
  const held = userRoleIds(userRoles, catalog);
  const granted = scopeGrants(scopeNames, catalog);
  const permissions = permissionsOfRoles(held, catalog).intersect(granted.permissions);
  const roles = [AUTHENTICATED_ROLE, ...held.filter((r) => r !== AUTHENTICATED_ROLE && granted.roles.includes(r))];
  return { permissions, roles };
}

/**
 * The granted scopes that still give this user something (on refresh): a permission scope whose
 * permission they hold, a role scope whose role they hold, an umbrella with such a scope under it.
 * Scopes that grant no permission or role (OIDC's) stay; scopes no longer defined are dropped.
 */
export function scopesStillHeld(names: readonly string[], userRoles: readonly string[], catalog: AccessCatalog): string[] {
  const held = userRoleIds(userRoles, catalog);
  const permissions = permissionsOfRoles(held, catalog);
  const gives = (scope: Scope): boolean => {
    if (scope.granularity === 'permission') return scope.permission !== null && permissions.has(scope.permission);
    if (scope.granularity === 'role') return scope.role !== null && held.includes(scope.role);
    return true; // grants nothing, so there is nothing for the user to have lost
  };
  return names.filter((name) => {
    const scope = catalog.scopes.get(name);
    if (!scope) return false;
    if (!scope.umbrella) return gives(scope);
    const leaves = expandScopes([name], catalog).filter((s) => !s.umbrella);
    return leaves.length === 0 || leaves.some(gives);
  });
}
