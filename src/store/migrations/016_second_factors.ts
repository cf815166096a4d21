// Second factors (issue 13 part 6): a TOTP secret per user (sealed under a subkey of
// GATEHOUSE_SECRET, with the last time step accepted so a code is usable once), recovery codes by
// keyed digest, logins waiting for their second factor, `mfa_required` on roles, and how a browser
// session was authenticated (`amr`, JSON list), carried by the codes it issues into the ID token.
import { sql, type Kysely, type Migration } from 'kysely';

export const secondFactors: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('totp_secrets')
      .addColumn('user_id', 'bigint', (c) => c.primaryKey().references('users.uid').onDelete('cascade'))
      .addColumn('sealed_secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      /** NULL until the first code confirmed the enrolment */
      .addColumn('confirmed_at', 'bigint')
      /** the last 30 s step a code was accepted for: a code is usable once */
      .addColumn('last_step', 'bigint')
      .execute();
    await db.schema
      .createTable('recovery_codes')
      .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.uid').onDelete('cascade'))
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'digest'])
      .execute();
    await db.schema
      .createTable('pending_logins')
      .addColumn('digest', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.uid').onDelete('cascade'))
      .addColumn('amr', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('pending_logins_expires_at').on('pending_logins').column('expires_at').execute();
    await db.schema
      .alterTable('roles')
      .addColumn('mfa_required', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('sessions')
      .addColumn('amr', 'text', (c) => c.notNull().defaultTo(sql.lit('["pwd"]')))
      .execute();
    await db.schema.alterTable('authorization_codes').addColumn('amr', 'text').execute();
    await db.schema.alterTable('device_codes').addColumn('amr', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('device_codes').dropColumn('amr').execute();
    await db.schema.alterTable('authorization_codes').dropColumn('amr').execute();
    await db.schema.alterTable('sessions').dropColumn('amr').execute();
    await db.schema.alterTable('roles').dropColumn('mfa_required').execute();
    await db.schema.dropTable('pending_logins').execute();
    await db.schema.dropTable('recovery_codes').execute();
    await db.schema.dropTable('totp_secrets').execute();
  },
};
