// The sections of an apply file, in the order they are applied (scopes name roles, clients name
// scopes and users). A section is its key in the file, the JSON Schema of one item, and the
// idempotent upsert that makes an item exist as written: a new section (routes, resources, …) is
// one entry here, and docs/apply.schema.json follows (`npm run schema`).
import { OPERATOR } from '../actor.js';
import type { AdminContext } from '../admin-context.js';
import { upsertClient, type ClientInput } from '../clients.js';
import type { Outcome, Upserted } from '../outcome.js';
import type { GateRoute } from '../../domain/gate-route.js';
import { gateRouteItem } from '../gate-route-schema.js';
import { parseRouteSet, replaceRoutes } from '../gate-routes.js';
import { upsertRole, type RoleInput } from '../roles.js';
import { type RegistrationPolicyInput, upsertRegistrationPolicy } from '../registration.js';
import { claimMappingItem, clientItem, registrationPolicyItem, resourceItem, roleItem, scopeItem, userItem, type JsonSchema } from '../schemas.js';
import { upsertResource, type ResourceInput } from '../resources.js';
import { upsertClaimMapping, type ClaimMappingInput } from '../claim-mappings.js';
import { upsertScope, type ScopeInput } from '../scopes.js';
import type { PreparedPassword, UserInput } from '../user-input.js';
import { upsertUser } from '../users.js';
import { preparePasswords } from './passwords.js';

/** What an upsert reports: its outcome, and a secret generated for it (shown once). */
export type Applied = Upserted & { secret?: string | null };

export interface ApplySection<Item, Prepared = undefined> {
  /** the section's key in the file */
  name: string;
  /** one item, for messages and the report ("client backend: created") */
  noun: string;
  /** what the section holds, for editors (the schema's description) */
  description: string;
  /** the JSON Schema of one item */
  item: JsonSchema;
  /** the section is one mapping (the item itself), not a list of items */
  single?: boolean;
  /** the item's identity in the report (its id or name) */
  key(item: Item): string;
  /** slow work done before the transaction opens (hashing passwords) */
  prepare?(ctx: AdminContext, items: readonly Item[], dryRun: boolean): Promise<Prepared>;
  /** the items in the order to apply them, each with its index in the file */
  order?(items: readonly Item[]): [Item, number][];
  /** makes one item exist as written, as the operator, inside apply's transaction */
  upsert(ctx: AdminContext, item: Item, index: number, prepared: Prepared): Promise<Applied>;
  /**
   * A section applied as a whole instead of item by item, when the file has it (routes: the stored
   * set becomes exactly the list); reports each item by key, and those it removed.
   */
  applyAll?(ctx: AdminContext, items: readonly Item[], prepared: Prepared): Promise<Record<string, Outcome | 'removed'>>;
}

/** Keeps each section's item type inside its entry while the list holds them all. */
function section<Item, Prepared = undefined>(s: ApplySection<Item, Prepared>): ApplySection<unknown, unknown> {
  return s as unknown as ApplySection<unknown, unknown>;
}

export const APPLY_SECTIONS: readonly ApplySection<unknown, unknown>[] = [
  section<RoleInput>({
    name: 'roles',
    noun: 'role',
    description: 'Roles and the permissions they grant',
    item: roleItem,
    key: (role) => role.id,
    upsert: (ctx, role) => upsertRole(ctx, role, OPERATOR),
  }),
  section<ScopeInput>({
    name: 'scopes',
    noun: 'scope',
    description: 'Scopes: each grants one permission or one role, or (umbrella) what its children grant',
    item: scopeItem,
    key: (scope) => scope.name,
    // umbrella scopes first, so children can name them as parents
    order: (scopes) => scopes.map((s, i) => [s, i] as [ScopeInput, number]).sort(([a], [b]) => Number(b.umbrella === true) - Number(a.umbrella === true)),
    upsert: (ctx, scope) => upsertScope(ctx, scope, OPERATOR),
  }),
  section<UserInput, Map<number, PreparedPassword>>({
    name: 'users',
    noun: 'user',
    description: 'User accounts; a password is checked and stored as a hash, and left alone when it already verifies',
    item: userItem,
    key: (user) => user.name,
    prepare: preparePasswords,
    upsert: (ctx, user, index, passwords) => upsertUser(ctx, user, OPERATOR, passwords.get(index)),
  }),
  section<ResourceInput>({
    name: 'resources',
    noun: 'resource',
    description: 'Resource servers for resource indicators (RFC 8707): the URI clients send as `resource` and the scopes it accepts',
    item: resourceItem,
    key: (resource) => resource.uri,
    upsert: (ctx, resource) => upsertResource(ctx, resource, OPERATOR),
  }),
  section<ClientInput>({
    name: 'clients',
    noun: 'client',
    description: 'OAuth clients (Simple OAuth consumers)',
    item: clientItem,
    key: (client) => client.clientId,
    upsert: (ctx, client) => upsertClient(ctx, client, OPERATOR),
  }),
  section<{ name?: unknown }, GateRoute[]>({
    name: 'routes',
    noun: 'route',
    description:
      'Gate routes (the APIs Gatehouse protects): when present, the stored routes become exactly this list, in this order; absent, they are left alone',
    item: gateRouteItem,
    key: (route) => String(route.name),
    prepare: async (_ctx, routes) => parseRouteSet(routes),
    upsert: async () => {
      throw new Error('routes are applied as a whole');
    },
    applyAll: (ctx, _routes, parsed) => replaceRoutes(ctx, parsed, OPERATOR),
  }),
  section<RegistrationPolicyInput>({
    name: 'registrationPolicy',
    noun: 'registration policy',
    description: 'What clients registered at /oauth/register (RFC 7591) may ask for: scopes, grant types, kinds of redirect URI, lifetime',
    item: registrationPolicyItem,
    single: true,
    key: () => 'registrationPolicy',
    upsert: (ctx, policy) => upsertRegistrationPolicy(ctx, policy, OPERATOR),
  }),
  section<ClaimMappingInput>({
    name: 'claims',
    noun: 'claims',
    description: 'Custom claims: per scope, the claims access tokens and ID tokens granted it carry, from the user or literal',
    item: claimMappingItem,
    key: (mapping) => mapping.scope,
    upsert: (ctx, mapping) => upsertClaimMapping(ctx, mapping, OPERATOR),
  }),
];

export const SECTION_NAMES: readonly string[] = APPLY_SECTIONS.map((s) => s.name);
