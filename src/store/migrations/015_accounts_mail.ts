// Accounts people run themselves (issue 13): the durable mail outbox, one-time user tokens (mail
// verification links, stored only as keyed digests) and whether a user's mail address is verified.
// Existing accounts start unverified: Gatehouse never checked their addresses.
import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../engine.js';

export function accountsMail(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const outbox = db.schema.createTable('mail_outbox');
      await (engine === 'postgres'
        ? outbox.addColumn('id', 'bigserial', (c) => c.primaryKey())
        : outbox.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      )
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('html', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        // seconds; NULL once sent or given up. A claim moves it ahead by a lease, so a crashed sender's mail comes back
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('sent_at', 'bigint')
        .execute();
      await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['sent_at', 'next_attempt_at']).execute();

      await db.schema
        .createTable('user_tokens')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.uid').onDelete('cascade'))
        /** the address the token was mailed to: verifying it verifies that address only */
        .addColumn('mail', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute();
      await db.schema.createIndex('user_tokens_user_id').on('user_tokens').column('user_id').execute();
      await db.schema.createIndex('user_tokens_expires_at').on('user_tokens').column('expires_at').execute();

      await db.schema
        .alterTable('users')
        .addColumn('mail_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').dropColumn('mail_verified').execute();
      await db.schema.dropTable('user_tokens').execute();
      await db.schema.dropTable('mail_outbox').execute();
    },
  };
}
