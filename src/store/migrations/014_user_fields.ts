// Users' free-form fields (issue 14 part 5): one JSON object as text, `{}` for every existing
// account, so SQLite and PostgreSQL store it alike. And the `claims` request parameter (OIDC Core
// §5.5) an authorization code was issued with, as JSON text, NULL when there was none.
import type { Kysely, Migration } from 'kysely';

export const userFields: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.alterTable('authorization_codes').addColumn('claims', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('authorization_codes').dropColumn('claims').execute();
    await db.schema.alterTable('users').dropColumn('fields').execute();
  },
};
