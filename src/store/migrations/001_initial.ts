// The initial schema, portable to SQLite and PostgreSQL: integers, bigints and text only.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../engine.js';

export function initial(engine: Engine): Migration {
  // the one DDL difference between the engines: how an id counts up
  const serial = (table: ReturnType<Kysely<unknown>['schema']['createTable']>, column: string) =>
    engine === 'postgres'
      ? table.addColumn(column, 'bigserial', (c) => c.primaryKey())
      : table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await serial(db.schema.createTable('users'), 'uid')
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('mail', 'text')
        .addColumn('pass_hash', 'text')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('langcode', 'text', (c) => c.notNull())
        .addColumn('preferred_langcode', 'text', (c) => c.notNull())
        .addColumn('preferred_admin_langcode', 'text')
        .addColumn('timezone', 'text')
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('changed', 'bigint', (c) => c.notNull())
        .addColumn('access', 'bigint', (c) => c.notNull())
        .addColumn('login', 'bigint', (c) => c.notNull())
        .addColumn('init', 'text')
        .execute();
      await db.schema.createIndex('users_mail').on('users').column('mail').execute();

      await db.schema
        .createTable('roles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('user_roles')
        .addColumn('uid', 'bigint', (c) => c.notNull().references('users.uid').onDelete('cascade'))
        .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('user_roles_pk', ['uid', 'role_id'])
        .execute();

      await db.schema
        .createTable('scopes')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('grant_types', 'text', (c) => c.notNull())
        .addColumn('umbrella', 'integer', (c) => c.notNull())
        .addColumn('parent', 'text')
        .addColumn('granularity', 'text')
        .addColumn('permission', 'text')
        .addColumn('role', 'text')
        .execute();

      await db.schema
        .createTable('clients')
        .addColumn('client_id', 'text', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('secret_digest', 'text')
        .addColumn('confidential', 'integer', (c) => c.notNull())
        .addColumn('grant_types', 'text', (c) => c.notNull())
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('authorization_code_scopes', 'text', (c) => c.notNull())
        .addColumn('user_id', 'bigint')
        .addColumn('pkce', 'integer', (c) => c.notNull())
        .addColumn('automatic_authorization', 'integer', (c) => c.notNull())
        .addColumn('remember_approval', 'integer', (c) => c.notNull())
        .addColumn('access_token_expiration', 'integer', (c) => c.notNull())
        .addColumn('refresh_token_expiration', 'integer', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('changed', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('use', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_key_encrypted', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('activated_at', 'bigint')
        .addColumn('retired_at', 'bigint')
        .addColumn('publish_until', 'bigint')
        .execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('family_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('access_jti', 'text', (c) => c.notNull())
        .addColumn('access_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('spent_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      for (const column of ['family_id', 'user_id', 'client_id', 'expires_at']) {
        await db.schema.createIndex(`refresh_tokens_${column}`).on('refresh_tokens').column(column).execute();
      }

      await serial(db.schema.createTable('revocations'), 'id')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('revocations_expires_at').on('revocations').column('expires_at').execute();

      await serial(db.schema.createTable('flood'), 'id')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('identifier', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('expiration', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('flood_lookup').on('flood').columns(['event', 'identifier', 'timestamp']).execute();
      await db.schema.createIndex('flood_expiration').on('flood').column('expiration').execute();

      await serial(db.schema.createTable('audit_log'), 'id')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('user_id', 'bigint')
        .addColumn('client_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('endpoint', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

      // uid 0 is Drupal's anonymous account: it exists, can never log in, and keeps uid 1 for the admin
      const now = Math.floor(Date.now() / 1000);
      await sql`INSERT INTO users (uid, uuid, name, name_key, mail, pass_hash, status, langcode, preferred_langcode, preferred_admin_langcode, timezone, created, changed, access, login, init)
        VALUES (0, '00000000-0000-4000-8000-000000000000', '', '', NULL, NULL, 0, 'en', 'en', NULL, NULL, ${now}, ${now}, 0, 0, NULL)`.execute(db);
      await sql`INSERT INTO roles (id, label, permissions, is_admin) VALUES ('authenticated', 'Authenticated user', '[]', 0), ('administrator', 'Administrator', '[]', 1)`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['audit_log', 'flood', 'revocations', 'refresh_tokens', 'signing_keys', 'clients', 'scopes', 'user_roles', 'roles', 'users']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
