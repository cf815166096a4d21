// Migration 004 on a database made by the previous version, on each engine: clients stored
// before get no `actAs` (only their default user), and keep the `pkce` they had.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Engine } from '../../src/store/engine.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';

const schema = freshSchemaName();
const skipPostgres = await postgresSkip();
after(async () => {
  if (!skipPostgres) await dropSchema(schema);
});

async function upgrade(engine: Engine, db: Kysely<any>, migrationTableSchema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(engine), migrationTableSchema });
  const before = await migrator.migrateTo('003_one_signing_key_per_state');
  assert.equal(before.error, undefined);
  const row = (id: string, pkce: number) => ({
    client_id: id,
    label: id,
    description: '',
    secret_digest: 'd',
    confidential: 1,
    grant_types: '["authorization_code"]',
    redirect_uris: '["https://a.example/cb"]',
    scopes: '[]',
    authorization_code_scopes: '[]',
    user_id: null,
    pkce,
    automatic_authorization: 0,
    remember_approval: 1,
    access_token_expiration: 300,
    refresh_token_expiration: 1209600,
    status: 1,
    created: 1,
    changed: 1,
  });
  await db
    .insertInto('clients')
    .values([row('old-no-pkce', 0), row('old-pkce', 1)])
    .execute();
  const latest = await migrator.migrateToLatest();
  assert.equal(latest.error, undefined);
  assert.ok(
    latest.results?.some((r) => r.migrationName === '004_client_act_as' && r.status === 'Success'),
    JSON.stringify(latest.results),
  );
}

describe('migration 004 keeps stored clients as they were', () => {
  test('SQLite', async () => {
    const file = new Database(':memory:');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: file }) });
    await upgrade('sqlite', db);
    const rows = await sql<{ client_id: string; act_as: string; pkce: number }>`SELECT client_id, act_as, pkce FROM clients ORDER BY client_id`.execute(db);
    assert.deepEqual(rows.rows, [
      { client_id: 'old-no-pkce', act_as: '[]', pkce: 0 },
      { client_id: 'old-pkce', act_as: '[]', pkce: 1 },
    ]);
    await db.destroy();
  });

  test('PostgreSQL', { skip: skipPostgres }, async () => {
    const setup = new pg.Client({ connectionString: POSTGRES_URL });
    await setup.connect();
    await setup.query(`CREATE SCHEMA ${schema}`);
    await setup.end();
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 2 }) }) });
    await upgrade('postgres', db, schema);
    await db.destroy();
    // and the store reads them: no actAs, PKCE as stored
    const store = await openStore(`${POSTGRES_URL}?schema=${schema}`);
    try {
      assert.deepEqual([(await store.clients.get('old-no-pkce'))?.actAs, (await store.clients.get('old-no-pkce'))?.pkce], [[], false]);
      assert.deepEqual([(await store.clients.get('old-pkce'))?.actAs, (await store.clients.get('old-pkce'))?.pkce], [[], true]);
    } finally {
      await store.close();
    }
  });
});
