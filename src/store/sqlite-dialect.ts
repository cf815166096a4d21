// Kysely over better-sqlite3, safe beside other processes writing the same file (`gatehouse
// apply`, a second instance). better-sqlite3 is synchronous: SQLite's own busy wait would stop the
// event loop for as long as another process holds the write lock. So SQLite is told not to wait
// (busy_timeout 0), and a statement that finds the database locked is tried again after a pause
// that yields to the event loop, until its call's time budget is spent; then SQLITE_BUSY
// surfaces (a 503 with Retry-After upstream).
import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/** Longest pause between two attempts, ms: short next to any budget, long next to a commit. */
const MAX_PAUSE_MS = 25;

/** The one connection's turn: SQLite has a single connection per process, taken in FIFO order. */
class Turn {
  private held = false;
  private readonly queue: (() => void)[] = [];

  async take(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  give(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY') && code !== 'SQLITE_BUSY_SNAPSHOT';
}

function execute<R>(db: SQLite.Database, { sql, parameters }: CompiledQuery): QueryResult<R> {
  const statement = db.prepare(sql);
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

class LockWaitingConnection implements DatabaseConnection {
  /** performance.now() past which a locked database is an error rather than a reason to wait */
  deadline = 0;

  constructor(
    private readonly db: SQLite.Database,
    private readonly turn: Turn,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // this call's own deadline: whoever uses the connection while we pause sets theirs
    const deadline = this.deadline;
    for (let attempt = 0; ; attempt++) {
      try {
        return execute<R>(this.db, query);
      } catch (error) {
        // inside a transaction the write lock is ours already (BEGIN IMMEDIATE): nothing to wait for
        if (!isBusy(error) || this.db.inTransaction || performance.now() >= deadline) throw error;
      }
      const pause = Math.min(MAX_PAUSE_MS, 2 ** attempt) * (0.5 + Math.random());
      // not in a transaction, so nothing is half done: others may use the connection meanwhile
      // (reads need no lock in WAL mode)
      this.turn.give();
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(pause, deadline - performance.now()))));
      await this.turn.take();
      this.deadline = deadline;
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    for (const row of this.db.prepare(query.sql).iterate(query.parameters)) yield { rows: [row as R] };
  }
}

class LockWaitingDriver implements Driver {
  private readonly turn = new Turn();
  private readonly connection: LockWaitingConnection;

  constructor(
    private readonly db: SQLite.Database,
    private readonly lockWaitMs: number,
  ) {
    this.connection = new LockWaitingConnection(db, this.turn);
  }

  async init(): Promise<void> {
    this.db.pragma('busy_timeout = 0');
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // the budget runs from when the store call asked, its wait for the connection included
    const asked = performance.now();
    await this.turn.take();
    this.connection.deadline = asked + this.lockWaitMs;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // the write lock first: a transaction never fails halfway on a snapshot another process made
    // stale, and two processes' transactions (a last-administrator check and its write, an
    // apply) run one after the other as wholes
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.turn.give();
  }

  async destroy(): Promise<void> {
    this.db.close();
  }
}

/** SQLite's adapter, compiler and introspector with the lock-waiting driver above. */
export class LockWaitingSqliteDialect implements Dialect {
  constructor(
    private readonly db: SQLite.Database,
    /** how long a store call may wait for another process's write lock, ms */
    private readonly lockWaitMs: number,
  ) {}

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    return new LockWaitingDriver(this.db, this.lockWaitMs);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's Dialect interface is declared with Kysely<any>
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
