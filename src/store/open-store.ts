// Opens the store named by DATABASE_URL: `sqlite:PATH` (WAL; the default engine, no server) or
// `postgres://…` (a pool; several instances share it). Migrating is the caller's explicit step.
import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { PostgresChangeFeed } from './change-feed.js';
import { withQueryDeadline } from './query-deadline.js';
import { SqliteChangeFeed } from './sqlite-change-feed.js';
import { checkpointInWorker } from './sqlite-checkpointer.js';
import { LockWaitingSqliteDialect } from './sqlite-dialect.js';
import { DirectSqlite } from './sqlite-direct.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './store.js';
import { ensurePrivateDirectory, ensurePrivateFile, PRIVATE_FILE, reportWideMode, type Warn } from '../private-files.js';

export interface OpenStoreOptions {
  /** PostgreSQL connections per instance */
  poolSize?: number;
  /** PostgreSQL schema to use (created if missing); tests use one each */
  schema?: string;
  /**
   * ms a store call may wait before failing (a 503 upstream): PostgreSQL, for a connection and
   * its statement together; SQLite, for another process's write lock. 0: no statement timeout
   * (PostgreSQL migrations)
   */
  timeoutMs?: number;
  /** SQLite: ms to wait for another process's write lock, when it should differ from timeoutMs (the CLI waits longer) */
  lockWaitMs?: number;
  /** SQLite: how often a serving instance reads the change versions other processes bump (default 500 ms) */
  changePollMs?: number;
  /** told of a SQLite file or folder that others may read (default: a process warning) */
  warn?: Warn;
  /** SQLite file: WAL checkpoints in a worker thread rather than in the committing request (sqlite-checkpointer.ts); `serve` asks for it */
  checkpointInBackground?: boolean;
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and the same few
 * dozen SQL texts run all the time, so keep them (a profile of the refresh grant showed 6 % of
 * its time in prepare).
 */
function cachePreparedStatements(database: SQLite.Database): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SQLite.Statement>();
  database.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
    }
    return statement;
  }) as SQLite.Database['prepare'];
}

/** SQLite's companions of a database in WAL mode; it makes them when it needs them. */
const COMPANIONS = ['-wal', '-shm'];

function openSqlite(path: string, options: OpenStoreOptions, warn: Warn): Store {
  const inMemory = path === ':memory:' || path === '';
  const companions = inMemory ? [] : COMPANIONS.map((suffix) => ({ path: path + suffix, existed: existsSync(path + suffix) }));
  if (!inMemory) {
    ensurePrivateDirectory(dirname(resolve(path)), warn);
    ensurePrivateFile(path, warn);
    for (const companion of companions) if (companion.existed) reportWideMode(companion.path, PRIVATE_FILE, warn);
  }
  const database = new SQLite(inMemory ? ':memory:' : path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // tokens and codes are looked up by random digests, so the hot pages are spread over the whole
  // table: SQLite's default 2 MiB page cache misses on most lookups once there are some ten
  // thousand of them (a code exchange's read took 50 µs). Up to 64 MiB, taken only as pages are read.
  database.pragma('cache_size = -65536');
  // SQLite gives the WAL and SHM files it creates the database's mode; if that is private, make
  // sure of theirs (a wide database was reported above, and its companions follow its choice)
  if (!inMemory && (statSync(path).mode & 0o077) === 0) {
    for (const companion of companions) if (!companion.existed && existsSync(companion.path)) chmodSync(companion.path, PRIVATE_FILE);
  }
  cachePreparedStatements(database);
  const checkpointer = options.checkpointInBackground && !inMemory ? checkpointInWorker(database, path) : null;
  // the lock is waited for without blocking the event loop (sqlite-dialect.ts), never by SQLite
  const lockWaitMs = options.lockWaitMs ?? (options.timeoutMs || 3000);
  const db = new Kysely<Database>({ dialect: new LockWaitingSqliteDialect(database, lockWaitMs) });
  // an in-memory database has no other process to hear from
  const changes = inMemory ? null : new SqliteChangeFeed(db, options.changePollMs ?? 500);
  return new SqlStore(
    db,
    'sqlite',
    async () => {
      await checkpointer?.close();
      await db.destroy();
    },
    changes,
    { direct: new DirectSqlite(database) },
  );
}

const int8 = 20;

/**
 * The pg pool's settings. The search path travels in the connection string (pg lets the string
 * override options given beside it). `timeoutMs: 0` is for migrations: no statement timeout, as a
 * migration may rightly take longer than any request.
 */
export function poolConfig(url: string, options: OpenStoreOptions): pg.PoolConfig {
  const withPath = new URL(url);
  if (options.schema) withPath.searchParams.set('options', `-c search_path=${options.schema}`);
  const timeoutMs = options.timeoutMs ?? 3000;
  return {
    connectionString: withPath.toString(),
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: timeoutMs === 0 ? 10_000 : timeoutMs,
    // the server ends a slow statement cleanly; a statement the server never hears of is ended by
    // withQueryDeadline, which also counts the wait for the connection
    ...(timeoutMs === 0 ? {} : { statement_timeout: timeoutMs }),
    // bigint columns hold seconds and ids well inside 2^53: numbers, not strings
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === int8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  };
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Store> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}"`);
  if (schema) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // CREATE SCHEMA needs the CREATE privilege on the database even when the schema exists:
      // a role given only its own schema must not need it
      const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool(poolConfig(url, options));
  // a connection dropped by a restarted server must not take the process down: pg emits 'error'
  // on the pool for idle clients, and on the client itself for one that is checked out (its
  // query fails on its own, and the pool discards the client when it is released)
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const timeoutMs = options.timeoutMs ?? 3000;
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: timeoutMs === 0 ? pool : withQueryDeadline(pool, timeoutMs) }) });
  return new SqlStore(db, 'postgres', async () => db.destroy(), new PostgresChangeFeed(url, schema), { schema });
}

export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:'))
    return openSqlite(databaseUrl.slice('sqlite:'.length), options, options.warn ?? ((message) => process.emitWarning(message)));
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // `?schema=NAME` (ours, not libpq's) puts Gatehouse's tables in a schema of their own
    const url = new URL(databaseUrl);
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    return openPostgres(url.toString(), { ...options, schema: options.schema ?? schema });
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://`);
}

/**
 * Brings the schema up to date. On PostgreSQL this runs on a connection of its own without the
 * request timeout: a migration may take longer than any request, and an instance starting beside
 * another that is migrating waits for its lock instead of failing.
 */
export async function migrateStore(store: Store, databaseUrl: string, options: OpenStoreOptions = {}): Promise<void> {
  if (store.engine !== 'postgres') return store.migrate();
  const migrating = await openStore(databaseUrl, { ...options, poolSize: 1, timeoutMs: 0 });
  try {
    await migrating.migrate();
  } finally {
    await migrating.close();
  }
}
