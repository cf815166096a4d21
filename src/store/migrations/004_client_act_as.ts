// The consumer field `actAs`: whom a client may act for with miniOrange's client_credentials +
// `username`. Existing clients get none ('[]'): only their default user, as new clients do.
import { sql, type Kysely, type Migration } from 'kysely';

export const clientActAs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('clients')
      .addColumn('act_as', 'text', (c) => c.notNull().defaultTo(sql.lit('[]')))
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('clients').dropColumn('act_as').execute();
  },
};
