// Migration 005 on a database that already holds tokens (SQLite and PostgreSQL): a family that
// predates it starts at its oldest stored token, existing clients get the default family lifetime
// and no reuse interval, and a code's issue time in ms is its time in seconds.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, test } from 'node:test';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { poolConfig } from '../../src/store/open-store.js';
import type { Engine } from '../../src/store/engine.js';
import type { Database as Schema } from '../../src/store/schema.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';

async function upgradeWithData(db: Kysely<Schema>, engine: Engine, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(engine), migrationTableSchema: schema });
  const before = await migrator.migrateTo('003_one_signing_key_per_state');
  assert.equal(before.error, undefined, String(before.error));
  await sql`INSERT INTO clients (client_id, label, description, secret_digest, confidential, grant_types, redirect_uris, scopes, authorization_code_scopes, user_id, pkce, automatic_authorization, remember_approval, access_token_expiration, refresh_token_expiration, status, created, changed)
    VALUES ('old', 'Old', '', NULL, 0, '["refresh_token"]', '[]', '[]', '[]', NULL, 1, 0, 1, 300, 1209600, 1, 1, 1)`.execute(db);
  for (const [digest, family, issued] of [
    ['a1', 'fa', 100],
    ['a2', 'fa', 200],
    ['a3', 'fa', 300],
    ['b1', 'fb', 250],
  ] as const) {
    await sql`INSERT INTO refresh_tokens (digest, family_id, client_id, user_id, scopes, issued_at, expires_at, access_jti, access_expires_at, spent_at, revoked_at)
      VALUES (${digest}, ${family}, 'old', 1, '[]', ${issued}, 2000000000, ${`j${digest}`}, 400, NULL, NULL)`.execute(db);
  }
  await sql`INSERT INTO authorization_codes (digest, client_id, user_id, redirect_uri, redirect_uri_given, scopes, auth_time, issued_at, expires_at)
    VALUES ('c1', 'old', 1, 'https://a/cb', 1, '[]', 1, 1700000000, 1700000060)`.execute(db);
  const after = await migrator.migrateToLatest();
  assert.equal(after.error, undefined, String(after.error));

  const store = new SqlStore(db, engine, async () => undefined);
  assert.deepEqual(
    await Promise.all(['a1', 'a2', 'a3', 'b1'].map(async (d) => (await store.refreshTokens.findByDigest(d))?.familyStartedAt)),
    [100, 100, 100, 250],
  );
  const client = await store.clients.get('old');
  assert.equal(client?.refreshFamilyLifetime, 2_592_000);
  assert.equal(client?.refreshReuseInterval, 0);
  assert.equal((await store.codes.findByDigest('c1'))?.issuedMs, 1_700_000_000_000);
}

describe('migration 005 over existing rows', async () => {
  test('SQLite', async () => {
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    try {
      await upgradeWithData(db, 'sqlite');
    } finally {
      await db.destroy();
    }
  });

  const reason = await postgresSkip();
  test('PostgreSQL', { skip: reason || false }, async () => {
    const schema = freshSchemaName();
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: new pg.Pool(poolConfig(POSTGRES_URL, { schema, poolSize: 2, timeoutMs: 0 })) }) });
    try {
      await upgradeWithData(db, 'postgres', schema);
    } finally {
      await db.destroy();
      await dropSchema(schema);
    }
  });
});
