// Users' free-form fields (issue 14 part 5): one JSON object as text, `{}` for every existing
// account, so SQLite and PostgreSQL store it alike. And the `claims` request parameter (OIDC Core
// §5.5) an authorization code was issued with, as JSON text, NULL when there was none. And the
// custom claim mappings of the apply file's `claims:`, one row per scope. And resource indicators
// (RFC 8707): the registered resources, and the resource a code or a refresh token was granted for.
import type { Kysely, Migration } from 'kysely';

export const userFields: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.alterTable('authorization_codes').addColumn('claims', 'text').execute();
    await db.schema
      .createTable('claim_mappings')
      .addColumn('scope', 'text', (c) => c.primaryKey())
      .addColumn('access_token', 'text', (c) => c.notNull())
      .addColumn('id_token', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('resources')
      .addColumn('uri', 'text', (c) => c.primaryKey())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('authorization_codes').addColumn('resource', 'text').execute();
    await db.schema.alterTable('refresh_tokens').addColumn('resource', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('refresh_tokens').dropColumn('resource').execute();
    await db.schema.alterTable('authorization_codes').dropColumn('resource').execute();
    await db.schema.dropTable('resources').execute();
    await db.schema.dropTable('claim_mappings').execute();
    await db.schema.alterTable('authorization_codes').dropColumn('claims').execute();
    await db.schema.alterTable('users').dropColumn('fields').execute();
  },
};
