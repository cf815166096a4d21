// Scopes stored by the operator (table scopes). A change is announced as the catalog's.
import type { Kysely, Selectable } from 'kysely';
import type { GrantType } from '../../domain/grant-types.js';
import type { Scope, ScopeGranularity } from '../../domain/scope.js';
import type { Database, ScopesTable } from '../schema.js';
import type { ScopeRepository } from '../repositories/scopes.js';
import { bool, json, list, unstorable } from './columns.js';
import type { Notify } from './notify.js';

export function toScope(row: Selectable<ScopesTable>): Scope {
  return {
    name: row.name,
    description: row.description,
    grantTypes: list(row.grant_types) as GrantType[],
    umbrella: row.umbrella === 1,
    parent: row.parent,
    granularity: row.granularity as ScopeGranularity | null,
    permission: row.permission,
    role: row.role,
  };
}

export class SqlScopes implements ScopeRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<Scope[]> {
    return (await this.db.selectFrom('scopes').selectAll().orderBy('name').execute()).map(toScope);
  }

  async get(name: string): Promise<Scope | null> {
    if (unstorable(name)) return null;
    const row = await this.db.selectFrom('scopes').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toScope(row) : null;
  }

  async upsert(scope: Scope): Promise<void> {
    const values: ScopesTable = {
      name: scope.name,
      description: scope.description,
      grant_types: json(scope.grantTypes),
      umbrella: bool(scope.umbrella),
      parent: scope.parent,
      granularity: scope.granularity,
      permission: scope.permission,
      role: scope.role,
    };
    const { name: _name, ...rest } = values;
    await this.db
      .insertInto('scopes')
      .values(values)
      .onConflict((oc) => oc.column('name').doUpdateSet(rest))
      .execute();
    await this.notify('catalog');
  }

  async delete(name: string): Promise<boolean> {
    if (unstorable(name)) return false;
    const result = await this.db.deleteFrom('scopes').where('name', '=', name).executeTakeFirst();
    await this.notify('catalog');
    return Number(result.numDeletedRows) === 1;
  }
}
