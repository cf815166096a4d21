// RFC 8628 device authorizations: the device code and the user code, both kept only as digests,
// the decision the user made at /device, and the polling interval (raised by each slow_down).
import type { Kysely, Migration } from 'kysely';

export const deviceCodes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('device_codes')
      .addColumn('device_digest', 'text', (c) => c.primaryKey())
      .addColumn('user_code_digest', 'text', (c) => c.notNull().unique())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('user_id', 'bigint')
      .addColumn('auth_time', 'bigint')
      .addColumn('poll_interval', 'integer', (c) => c.notNull())
      .addColumn('issued_ms', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('device_codes_expires_at').on('device_codes').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('device_codes').execute();
  },
};
