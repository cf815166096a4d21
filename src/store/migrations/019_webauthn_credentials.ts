// WebAuthn passkeys (issue 13 part 6): the credentials users registered — public keys only, the
// private key never leaves the authenticator — and the challenges handed out for a ceremony,
// stored server-side by the digest of a browser-held handle, short-lived and single-use.
import type { Kysely, Migration } from 'kysely';

export const webauthnCredentials: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('webauthn_credentials')
      /** the credential id, base64url, as the authenticator made it */
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.uid').onDelete('cascade'))
      /** the COSE public key, base64url */
      .addColumn('public_key', 'text', (c) => c.notNull())
      /** the signature counter last seen (0 for authenticators that keep none) */
      .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
      /** JSON list of transport hints (internal, usb, hybrid, …) */
      .addColumn('transports', 'text', (c) => c.notNull().defaultTo('[]'))
      /** 'singleDevice' (device-bound) or 'multiDevice' (synced): fixed for the credential's life */
      .addColumn('device_type', 'text', (c) => c.notNull())
      .addColumn('backed_up', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema.createIndex('webauthn_credentials_user_id').on('webauthn_credentials').column('user_id').execute();

    await db.schema
      .createTable('webauthn_challenges')
      /** SHA-256 of the random handle the browser holds in a cookie */
      .addColumn('handle_digest', 'text', (c) => c.primaryKey())
      /** 'register', 'login' or 'second_factor' */
      .addColumn('purpose', 'text', (c) => c.notNull())
      /** the user the ceremony is for (NULL for a passwordless login, where the passkey names them) */
      .addColumn('user_id', 'bigint', (c) => c.references('users.uid').onDelete('cascade'))
      .addColumn('challenge', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webauthn_challenges_expires_at').on('webauthn_challenges').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('webauthn_challenges').execute();
    await db.schema.dropTable('webauthn_credentials').execute();
  },
};
