// What each user approved for each client (table consents), one row per pair.
import type { Kysely, Selectable } from 'kysely';
import type { ConsentsTable, Database } from '../schema.js';
import type { ConsentRepository, ConsentRow } from '../repositories/consents.js';
import { json, list, num } from './columns.js';

export class SqlConsents implements ConsentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private static row(r: Selectable<ConsentsTable>): ConsentRow {
    return { userId: num(r.user_id), clientId: r.client_id, scopes: list(r.scopes), grantedAt: num(r.granted_at) };
  }

  async get(userId: number, clientId: string): Promise<ConsentRow | null> {
    const r = await this.db.selectFrom('consents').selectAll().where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
    return r ? SqlConsents.row(r) : null;
  }

  async upsert(row: ConsentRow): Promise<void> {
    const values = { user_id: row.userId, client_id: row.clientId, scopes: json(row.scopes), granted_at: row.grantedAt };
    await this.db
      .insertInto('consents')
      .values(values)
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doUpdateSet({ scopes: values.scopes, granted_at: values.granted_at }))
      .execute();
  }

  async delete(userId: number, clientId: string): Promise<void> {
    await this.db.deleteFrom('consents').where('user_id', '=', userId).where('client_id', '=', clientId).execute();
  }

  async deleteByUser(userId: number): Promise<number> {
    return Number((await this.db.deleteFrom('consents').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows);
  }

  async listByUser(userId: number): Promise<ConsentRow[]> {
    return (await this.db.selectFrom('consents').selectAll().where('user_id', '=', userId).orderBy('client_id').execute()).map(SqlConsents.row);
  }
}
