// PostgreSQL for tests: 127.0.0.1:5432, database test, user postgres. Each caller gets a schema
// of its own. Under CI=true an unreachable server is a failure, never a silent skip.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | null = null;

async function connectOnce(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Three tries, a second apart: on a loaded machine one connection can take longer than its timeout. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      if (await connectOnce()) return true;
      if (attempt < 3) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return false;
  })();
  return reachable;
}

/** `false` when the tests may run; a skip reason locally; throws under CI when PostgreSQL is down. */
export async function postgresSkip(): Promise<false | string> {
  if (await postgresReachable()) return false;
  if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI=true but ${POSTGRES_URL} is unreachable`);
  return `PostgreSQL unreachable at ${POSTGRES_URL}`;
}

export function freshSchemaName(): string {
  return `gh_test_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
