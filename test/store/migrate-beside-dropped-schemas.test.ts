// Migrating on PostgreSQL while other schemas of the same database come and go (other deployments,
// other test runs): Kysely's introspection reads every schema's tables, and one dropped meanwhile
// failed the migration with `schema "…" does not exist`. Now an up-to-date store does not
// introspect at all, and a migration tripped by another schema vanishing runs again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';

const skip = await postgresSkip();

test('migrations succeed while another client creates and drops schemas in a loop', { skip }, async () => {
  const churner = new pg.Client({ connectionString: POSTGRES_URL });
  await churner.connect();
  let stop = false;
  const churn = (async () => {
    for (let i = 0; !stop; i++) {
      const name = `${freshSchemaName()}_churn${i}`;
      await churner.query(`CREATE SCHEMA ${name}; CREATE TABLE ${name}.t (id serial PRIMARY KEY, a int)`);
      await churner.query(`DROP SCHEMA ${name} CASCADE`);
      // a steady coming and going, not a storm: the other test files share this database
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const failures: string[] = [];
  let runs = 0;
  try {
    // bounded in time, not in a target: each run is a fresh schema migrated, then asked again
    const until = Date.now() + 4_000;
    while (Date.now() < until) {
      const schema = freshSchemaName();
      runs++;
      const store = await openStore(`${POSTGRES_URL}?schema=${schema}`, { poolSize: 1, timeoutMs: 0 });
      try {
        await store.migrate();
        await store.migrate();
      } catch (error) {
        failures.push((error as Error).message);
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    }
  } finally {
    stop = true;
    await churn;
    await churner.end();
  }
  assert.ok(runs >= 3, `${runs} migrations ran`);
  assert.deepEqual(failures, [], `${failures.length} of ${runs} migrations failed`);
});
