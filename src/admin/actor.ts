// Who is making an administrative change, and the rule that keeps a narrow administrator from
// climbing: nobody hands out (through a client or a scope) a permission they do not hold.
import type { AccessCatalog, PermissionSet } from '../domain/access.js';
import { PERMISSIONS } from '../domain/permissions.js';
import { BUILT_IN_SCOPES } from '../domain/scope.js';
import type { Store } from '../store/store.js';
import { ForbiddenError } from './validation-error.js';

/** Where a user's change came from, for its audit entry: the surface (`admin-api`, a console path) and the client's address. */
export interface Via {
  endpoint: string;
  ip: string | null;
}

/**
 * The CLI and `apply` run as the operator, who owns the database and is never refused; the
 * admin API and console act for a user with the permissions of their token or session.
 */
export type Actor = { kind: 'operator' } | { kind: 'user'; uid: number; permissions: PermissionSet; via?: Via };

export const OPERATOR: Actor = { kind: 'operator' };

export function userActor(uid: number, permissions: PermissionSet, via?: Via): Actor {
  return via ? { kind: 'user', uid, permissions, via } : { kind: 'user', uid, permissions };
}

/** Whether the actor holds `administer users`, which stands for every permission (see requireMayGrant). */
export function administersUsers(actor: Actor): boolean {
  return actor.kind === 'operator' || actor.permissions.has(PERMISSIONS.administerUsers);
}

/** Fails loudly when a caller passed no actor (or something else where the actor belongs). */
export function checkedActor(actor: Actor | undefined): Actor {
  if (!actor || (actor.kind !== 'operator' && actor.kind !== 'user')) throw new TypeError('an administrative change needs its actor (OPERATOR or userActor)');
  return actor;
}

/**
 * Refuses when `granted` holds a permission the actor lacks. `administer users` passes: whoever
 * holds it can give any account (their own included) any role, so it already stands for every
 * permission (Drupal marks it "restricted" for the same reason).
 */
export function requireMayGrant(actor: Actor, granted: PermissionSet, field: string, what: string): void {
  if (actor.kind === 'operator' || administersUsers(actor)) return;
  const missing = granted.notHeldBy(actor.permissions);
  if (missing.length === 0) return;
  const named = missing === 'all' ? 'every permission (the administrator role)' : missing.map((p) => `"${p}"`).join(', ');
  throw new ForbiddenError(
    field,
    `${what} would grant ${named}, which you do not hold. You may hand out only permissions you hold yourself (or hold "${PERMISSIONS.administerUsers}").`,
    missing,
  );
}

/** Roles and scopes as stored right now (not the 1 s cache): a check must see the latest rules. */
export async function currentCatalog(store: Store): Promise<AccessCatalog> {
  const [roles, scopes] = await Promise.all([store.roles.list(), store.scopes.list()]);
  return { roles: new Map(roles.map((r) => [r.id, r])), scopes: new Map([...BUILT_IN_SCOPES, ...scopes].map((s) => [s.name, s])) };
}
