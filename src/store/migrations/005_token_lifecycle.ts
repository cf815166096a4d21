// Token lifecycle (issue 10, findings 6, 9, 18): a refresh family's start (absolute lifetime),
// the sealed successor a spent refresh token keeps during the client's reuse interval, the access
// tokens issued on such a reuse (so revoking the family reaches them), clients' two new fields,
// and authorization codes' issue time in ms (compared with revocations, which are in ms).
import { sql, type Kysely, type Migration } from 'kysely';

export const tokenLifecycle: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('clients')
      .addColumn('refresh_family_lifetime', 'integer', (c) => c.notNull().defaultTo(2_592_000))
      .execute();
    await db.schema
      .alterTable('clients')
      .addColumn('refresh_reuse_interval', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema.alterTable('refresh_tokens').addColumn('family_started_at', 'bigint').execute();
    // the oldest row still stored is the best known start of a family that predates this column
    await sql`UPDATE refresh_tokens SET family_started_at = (SELECT MIN(r.issued_at) FROM refresh_tokens r WHERE r.family_id = refresh_tokens.family_id)`.execute(
      db,
    );
    await db.schema.alterTable('refresh_tokens').addColumn('successor_sealed', 'text').execute();
    await db.schema.alterTable('refresh_tokens').addColumn('reuse_until', 'bigint').execute();
    await db.schema.createIndex('refresh_tokens_reuse_until').on('refresh_tokens').column('reuse_until').execute();

    await db.schema
      .createTable('reissued_access_tokens')
      .addColumn('jti', 'text', (c) => c.primaryKey())
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reissued_access_tokens_family_id').on('reissued_access_tokens').column('family_id').execute();
    await db.schema.createIndex('reissued_access_tokens_expires_at').on('reissued_access_tokens').column('expires_at').execute();

    await db.schema.alterTable('authorization_codes').addColumn('issued_ms', 'bigint').execute();
    await sql`UPDATE authorization_codes SET issued_ms = issued_at * 1000`.execute(db);
    await db.schema.createIndex('authorization_codes_user_id').on('authorization_codes').column('user_id').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('authorization_codes_user_id').execute();
    await db.schema.alterTable('authorization_codes').dropColumn('issued_ms').execute();
    await db.schema.dropTable('reissued_access_tokens').execute();
    await db.schema.dropIndex('refresh_tokens_reuse_until').execute();
    for (const column of ['reuse_until', 'successor_sealed', 'family_started_at']) await db.schema.alterTable('refresh_tokens').dropColumn(column).execute();
    for (const column of ['refresh_reuse_interval', 'refresh_family_lifetime']) await db.schema.alterTable('clients').dropColumn(column).execute();
  },
};
