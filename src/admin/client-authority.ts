// What a client can obtain for whoever controls it, and who may configure that. A user holding
// only `administer clients` must not be able to mint a token as the administrator, nor to send
// the administrator's sign-in to an address of their own.
import { PermissionSet, scopeGrants, userPermissions, type AccessCatalog } from '../domain/access.js';
import { ACT_AS_ANYONE, type ActAs, type Client } from '../domain/client.js';
import { PERMISSIONS } from '../domain/permissions.js';
import type { Store } from '../store/store.js';
import { administersUsers, currentCatalog, requireMayGrant, type Actor } from './actor.js';
import { ForbiddenError } from './validation-error.js';

export type ClientAuthority = Pick<
  Client,
  'userId' | 'actAs' | 'scopes' | 'authorizationCodeScopes' | 'grantTypes' | 'redirectUris' | 'automaticAuthorization'
>;

/**
 * Every permission a token of this client could carry. client_credentials: for each user it may
 * act as, that user's permissions ∩ what its scopes grant (umbrella and role scopes included;
 * blocked users count, they may be unblocked). authorization_code and device_code: whoever signs in — the
 * administrator too — so all its scopes grant.
 */
export async function clientGrants(store: Store, catalog: AccessCatalog, client: ClientAuthority): Promise<PermissionSet> {
  const scopes = scopeGrants(client.scopes, catalog).permissions;
  let granted = PermissionSet.of([]);
  if (client.actAs === ACT_AS_ANYONE) granted = scopes;
  else {
    for (const uid of new Set([client.userId, ...client.actAs])) {
      if (uid === null) continue;
      const user = await store.users.findById(uid);
      if (user) granted = granted.union(userPermissions(user.roles, catalog).intersect(scopes));
    }
  }
  // the device flow, like the authorization code, acts for whoever approves it
  if (client.grantTypes.includes('authorization_code') || client.grantTypes.includes('device_code'))
    granted = granted.union(scopeGrants([...client.scopes, ...client.authorizationCodeScopes], catalog).permissions);
  return granted;
}

function addedIdentities(before: ActAs, after: ActAs): ActAs {
  if (after === ACT_AS_ANYONE) return before === ACT_AS_ANYONE ? [] : ACT_AS_ANYONE;
  return before === ACT_AS_ANYONE ? [] : after.filter((uid) => !before.includes(uid));
}

async function nameOf(store: Store, uid: number): Promise<string> {
  return (await store.users.findById(uid))?.name ?? `uid ${uid}`;
}

/**
 * Lending another user's identity to a client is user administration: the token would be that
 * user (their own account, their audit trail), whatever its scopes grant.
 */
async function requireMayLendIdentities(store: Store, actor: Actor, field: string, userIds: ActAs): Promise<void> {
  if (actor.kind === 'operator' || administersUsers(actor)) return;
  const others = userIds === ACT_AS_ANYONE ? ACT_AS_ANYONE : userIds.filter((uid) => uid !== actor.uid);
  if (others !== ACT_AS_ANYONE && others.length === 0) return;
  const whom = others === ACT_AS_ANYONE ? 'any user' : (await Promise.all(others.map((uid) => nameOf(store, uid)))).map((n) => `"${n}"`).join(', ');
  throw new ForbiddenError(
    field,
    `making a client act as ${whom} needs "${PERMISSIONS.administerUsers}", which you do not hold (a client you configure may act as you, or as nobody).`,
    [PERMISSIONS.administerUsers],
  );
}

const added = (before: readonly string[], after: readonly string[]): boolean => after.some((x) => !before.includes(x));

/** The first field whose change lets the client reach further (in the form's order), or null. */
function widening(before: ClientAuthority, after: ClientAuthority): string | null {
  if (added(before.scopes, after.scopes)) return 'scopes';
  if (added(before.authorizationCodeScopes, after.authorizationCodeScopes)) return 'authorizationCodeScopes';
  if (added(before.grantTypes, after.grantTypes)) return 'grantTypes';
  // a new redirect URI can send users' codes elsewhere; skipping consent makes that silent
  if (added(before.redirectUris, after.redirectUris)) return 'redirectUris';
  if (!before.automaticAuthorization && after.automaticAuthorization) return 'automaticAuthorization';
  return null;
}

/**
 * Refuses a client configuration the actor may not make: `before` is the stored client (null when
 * creating), `after` what it becomes. `secretField`, when set, names the field through which the
 * actor is handed the client's secret (rotation, a secret generated on a switch to confidential),
 * and with it everything the client can do — checked as if they were creating it.
 */
export async function requireMayConfigureClient(
  store: Store,
  actor: Actor,
  before: ClientAuthority | null,
  after: ClientAuthority,
  secretField: string | null = null,
): Promise<void> {
  if (actor.kind === 'operator' || administersUsers(actor)) return;
  const whole = before === null || secretField !== null;
  const userChanged = whole ? after.userId !== null : before.userId !== after.userId;
  const newIdentities = whole ? after.actAs : addedIdentities(before.actAs, after.actAs);
  const actAsWidened = newIdentities === ACT_AS_ANYONE || newIdentities.length > 0;
  const widened = !whole ? widening(before, after) : after.scopes.length ? 'scopes' : after.authorizationCodeScopes.length ? 'authorizationCodeScopes' : null;
  if (!whole && !userChanged && !actAsWidened && widened === null) return;

  // handed the secret, the actor takes the whole client: the refusal names the field that did it
  const fieldFor = (natural: string): string => secretField ?? natural;
  if (userChanged && after.userId !== null) await requireMayLendIdentities(store, actor, fieldFor('user'), [after.userId]);
  if (actAsWidened) await requireMayLendIdentities(store, actor, fieldFor('actAs'), newIdentities);

  const granted = await clientGrants(store, await currentCatalog(store), after);
  const acting = after.userId === null ? '' : `, acting as "${await nameOf(store, after.userId)}"`;
  const scopes = [...new Set([...after.scopes, ...after.authorizationCodeScopes])].join(' ') || '(none)';
  requireMayGrant(actor, granted, fieldFor(widened ?? (userChanged ? 'user' : 'actAs')), `This client (scopes ${scopes}${acting})`);
}
