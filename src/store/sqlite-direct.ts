// The hottest statements on SQLite (a rotation's and a code exchange's read, spend and insert)
// run on better-sqlite3 directly: building and compiling them through Kysely, and handing the one
// connection over through its promise chain, cost as much main-thread time as SQLite's own work
// (bench/profile.ts: 13 % of a rotation's busy time, on top of SQLite's 25 %).
//
// better-sqlite3 is synchronous, so a statement run here cannot interleave with another caller's
// statement; what it can do is land inside another caller's open transaction, which holds the
// connection across awaits. So a statement runs here only when the connection is the caller's:
// inside the caller's own transaction, or outside every transaction (then it is a transaction of
// its own). Otherwise the caller takes Kysely's path and waits its turn for the connection.
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class DirectSqlite {
  /** `database.prepare` is the statement cache open-store.ts puts on the connection */
  constructor(private readonly database: SQLite.Database) {}

  /** Whether `db` (the caller's Kysely handle: the store's, or a transaction's) may use the connection now. */
  usableFrom(db: Kysely<Database>): boolean {
    return db.isTransaction || !this.database.inTransaction;
  }

  /** The first row of a query, or undefined. */
  get<R>(text: string, parameters: readonly unknown[]): R | undefined {
    return this.database.prepare(text).get(parameters) as R | undefined;
  }

  /** Runs a write; resolves with the number of rows it changed. */
  run(text: string, parameters: readonly unknown[]): number {
    return this.database.prepare(text).run(parameters).changes;
  }
}
