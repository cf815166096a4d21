// Users' free-form fields (issue 14 part 5): one JSON object as text, `{}` for every existing
// account, so SQLite and PostgreSQL store it alike.
import type { Kysely, Migration } from 'kysely';

export const userFields: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').dropColumn('fields').execute();
  },
};
