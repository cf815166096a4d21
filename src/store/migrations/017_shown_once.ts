// Secrets the console shows once (issue 13 part 8): after the POST that made a client secret, an
// API key or a password, the browser is redirected and the GET shows it — so it is held here for
// that one view, sealed under a key the database never sees (it needs the session cookie), and
// deleted by the view that reads it or by the cleanup once it expires.
import type { Kysely, Migration } from 'kysely';

export const shownOnce: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('shown_once')
      /** keyed digest of the one-time id the redirect names */
      .addColumn('digest', 'text', (c) => c.primaryKey())
      /** digest of the login session it was made in: another session cannot take it */
      .addColumn('session_digest', 'text', (c) => c.notNull())
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('shown_once_expires_at').on('shown_once').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('shown_once').execute();
  },
};
