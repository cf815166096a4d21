// Opening PostgreSQL: requests get a statement timeout (a slow or stuck database answers 503 in
// time), migrations run without one on a connection of their own.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { after, test } from 'node:test';
import { migrateStore, openStore, poolConfig } from '../../src/store/open-store.js';
import { isStoreUnavailable } from '../../src/store/store-unavailable.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';

const skip = await postgresSkip();
const schema = freshSchemaName();
after(async () => {
  if (!skip) await dropSchema(schema);
});

test('the request timeout ends a slow statement as "store unavailable"; timeoutMs 0 has none', { skip }, async () => {
  const strict = new pg.Pool(poolConfig(POSTGRES_URL, { timeoutMs: 200, poolSize: 1 }));
  const patient = new pg.Pool(poolConfig(POSTGRES_URL, { timeoutMs: 0, poolSize: 1 }));
  try {
    const error = await strict.query('SELECT pg_sleep(1)').then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error, 'the slow statement was stopped');
    assert.ok(isStoreUnavailable(error), `answered as unavailable (503), not as a bug: ${String(error)}`);
    assert.equal((await patient.query('SHOW statement_timeout')).rows[0].statement_timeout, '0');
    await patient.query('SELECT pg_sleep(0.3)');
  } finally {
    await strict.end();
    await patient.end();
  }
});

test('migrateStore brings a fresh schema up to date through its own connection', { skip }, async () => {
  const url = `${POSTGRES_URL}?schema=${schema}`;
  const store = await openStore(url, { timeoutMs: 3000 });
  try {
    await migrateStore(store, url);
    assert.equal(await store.users.count(), 0);
    await migrateStore(store, url); // again: nothing to do
  } finally {
    await store.close();
  }
});

test('the budget covers the wait for a connection and the statement together', { skip }, async () => {
  const store = await openStore(POSTGRES_URL, { timeoutMs: 1000, poolSize: 1 });
  const db = (store as unknown as { db: import('kysely').Kysely<unknown> }).db;
  try {
    await store.ping();
    // the only connection is busy for 600 ms; then a statement of 600 ms: each alone fits in the
    // budget, together they do not
    const holder = sql`SELECT pg_sleep(0.6)`.execute(db);
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    const error = await sql`SELECT pg_sleep(0.6)`.execute(db).then(
      () => null,
      (e: unknown) => e,
    );
    const took = performance.now() - started;
    await holder;
    assert.ok(error, `the second statement was not stopped (answered after ${Math.round(took)} ms)`);
    assert.ok(isStoreUnavailable(error), `answered as unavailable (503): ${String(error)}`);
    assert.ok(took < 1300, `stopped at the budget, after ${Math.round(took)} ms`);
    await store.ping(); // the abandoned connection was replaced
  } finally {
    await store.close();
  }
});
