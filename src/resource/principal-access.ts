// What a verified token may do: its user's permissions ∩ its scopes' permissions, computed from
// the user's current roles and the in-memory role and scope catalog.
import { effectiveAccess, userPermissions, type AccessCatalog, type EffectiveAccess, type PermissionSet } from '../domain/access.js';
import type { User } from '../domain/user.js';
import type { Store } from '../store/store.js';
import type { Principal } from './bearer-guard.js';

export interface PrincipalAccess {
  user: User;
  /** what the token grants */
  access: EffectiveAccess;
  /** what the user could do with a token carrying every scope (to tell "token lacks scope" from "user lacks permission") */
  userPermissions: PermissionSet;
}

export async function principalAccess(store: Store, catalog: AccessCatalog, principal: Principal): Promise<PrincipalAccess | null> {
  const user = await store.users.findById(principal.uid);
  if (!user) return null;
  return {
    user,
    access: effectiveAccess(user.roles, principal.scopes, catalog),
    userPermissions: userPermissions(user.roles, catalog),
  };
}
