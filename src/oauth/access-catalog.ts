// The roles, scopes and claim mappings every request consults, held in memory and reloaded when they change,
// so scope checks at issuance and permission checks at the guard cost no database round trip.
import type { AccessCatalog } from '../domain/access.js';
import type { ClaimMapping } from '../domain/claim-mapping.js';
import type { Resource } from '../domain/resource.js';
import type { Role } from '../domain/role.js';
import { BUILT_IN_SCOPES, type Scope } from '../domain/scope.js';
import type { Store } from '../store/store.js';

export class AccessCatalogCache implements AccessCatalog {
  roles: ReadonlyMap<string, Role> = new Map();
  scopes: ReadonlyMap<string, Scope> = new Map();
  claimMappings: ReadonlyMap<string, ClaimMapping> = new Map();
  resources: ReadonlyMap<string, Resource> = new Map();

  constructor(private readonly store: Store) {}

  async reload(): Promise<void> {
    const [roles, scopes, mappings, resources] = await Promise.all([
      this.store.roles.list(),
      this.store.scopes.list(),
      this.store.claimMappings.list(),
      this.store.resources.list(),
    ]);
    this.resources = new Map(resources.map((r) => [r.uri, r]));
    this.roles = new Map(roles.map((r) => [r.id, r]));
    this.claimMappings = new Map(mappings.map((m) => [m.scope, m]));
    this.scopes = new Map([...BUILT_IN_SCOPES, ...scopes].map((s) => [s.name, s]));
  }
}
