// Registered resources (table resources): their URI and the scopes they accept, JSON text. A change
// is announced as the catalog's: every instance holds them beside roles and scopes.
import type { Kysely } from 'kysely';
import type { Resource } from '../../domain/resource.js';
import type { Database } from '../schema.js';
import type { ResourceRepository } from '../repositories/resources.js';
import { json, list, unstorable } from './columns.js';
import type { Notify } from './notify.js';

export class SqlResources implements ResourceRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<Resource[]> {
    const rows = await this.db.selectFrom('resources').selectAll().orderBy('uri').execute();
    return rows.map((r) => ({ uri: r.uri, scopes: list(r.scopes) }));
  }

  async get(uri: string): Promise<Resource | null> {
    if (unstorable(uri)) return null;
    const r = await this.db.selectFrom('resources').selectAll().where('uri', '=', uri).executeTakeFirst();
    return r ? { uri: r.uri, scopes: list(r.scopes) } : null;
  }

  async upsert(resource: Resource): Promise<void> {
    const values = { uri: resource.uri, scopes: json(resource.scopes) };
    await this.db
      .insertInto('resources')
      .values(values)
      .onConflict((oc) => oc.column('uri').doUpdateSet({ scopes: values.scopes }))
      .execute();
    await this.notify('catalog');
  }
}
