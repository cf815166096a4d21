// At most one current and one next key per use, enforced by the database: instances that rotate
// or publish at the same moment cannot leave two keys signing (the loser's write fails and it
// finds the winner's key on its next look).
import { sql, type Kysely, type Migration } from 'kysely';

export const oneSigningKeyPerState: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const state of ['current', 'next']) {
      await db.schema.createIndex(`signing_keys_one_${state}`).unique().on('signing_keys').column('use').where(sql.ref('state'), '=', sql.lit(state)).execute();
    }
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const state of ['current', 'next']) await db.schema.dropIndex(`signing_keys_one_${state}`).execute();
  },
};
