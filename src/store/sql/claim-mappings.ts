// Custom claim mappings (table claim_mappings), JSON text per token kind. A change is announced as
// the catalog's: every instance holds them beside roles and scopes.
import type { Kysely, Selectable } from 'kysely';
import type { ClaimMapping, ClaimTemplate } from '../../domain/claim-mapping.js';
import type { ClaimMappingsTable, Database } from '../schema.js';
import type { ClaimMappingRepository } from '../repositories/claim-mappings.js';
import { json, unstorable } from './columns.js';
import type { Notify } from './notify.js';

const toMapping = (r: Selectable<ClaimMappingsTable>): ClaimMapping => ({
  scope: r.scope,
  accessToken: JSON.parse(r.access_token) as ClaimTemplate,
  idToken: JSON.parse(r.id_token) as ClaimTemplate,
});

export class SqlClaimMappings implements ClaimMappingRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<ClaimMapping[]> {
    return (await this.db.selectFrom('claim_mappings').selectAll().orderBy('scope').execute()).map(toMapping);
  }

  async get(scope: string): Promise<ClaimMapping | null> {
    if (unstorable(scope)) return null;
    const r = await this.db.selectFrom('claim_mappings').selectAll().where('scope', '=', scope).executeTakeFirst();
    return r ? toMapping(r) : null;
  }

  async upsert(mapping: ClaimMapping): Promise<void> {
    const values = { scope: mapping.scope, access_token: json(mapping.accessToken), id_token: json(mapping.idToken) };
    await this.db
      .insertInto('claim_mappings')
      .values(values)
      .onConflict((oc) => oc.column('scope').doUpdateSet({ access_token: values.access_token, id_token: values.id_token }))
      .execute();
    await this.notify('catalog');
  }
}
