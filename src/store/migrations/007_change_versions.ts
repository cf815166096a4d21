// A version per change topic, for SQLite's change feed (sqlite-change-feed.ts): a process that
// writes roles, scopes, keys, users, clients or revocations bumps its topic, and serving
// instances poll the few rows. PostgreSQL instances hear NOTIFY instead; the table stays empty there.
import type { Kysely, Migration } from 'kysely';

export const changeVersions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('change_versions')
      .addColumn('topic', 'text', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('change_versions').execute();
  },
};
