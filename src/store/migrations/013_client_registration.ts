// Dynamic client registration (RFC 7591/7592): the operator's registration policy (one row), the
// initial access tokens `gatehouse registration-token create` mints, and each registered client's
// registration access token and metadata. Tokens are kept only as digests.
import type { Kysely, Migration } from 'kysely';

export const clientRegistration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('registration_policy')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('policy', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('initial_access_tokens')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('max_uses', 'integer')
      .addColumn('uses', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('client_registrations')
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('access_digest', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['client_registrations', 'initial_access_tokens', 'registration_policy']) await db.schema.dropTable(table).execute();
  },
};
