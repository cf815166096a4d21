// One deadline per PostgreSQL statement, the wait for a connection included. pg bounds the wait
// for a connection (connectionTimeoutMillis) and the server bounds a statement it received
// (statement_timeout), but the two add up, and with packets held rather than refused nothing ends
// a statement sent on a connection that looks alive. Here a statement that has not answered within
// the budget fails as unavailable (a 503 upstream) and its connection is thrown away.
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** The database did not answer in time; `ETIMEDOUT` makes it "unavailable" (store-unavailable.ts). */
export class StoreTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(budgetMs: number) {
    super(`the database did not answer within ${budgetMs} ms`);
  }
}

class DeadlineClient implements PostgresPoolClient {
  /** set once a statement ran out of time: the connection's state is unknown, it is not reused */
  private broken: StoreTimeoutError | null = null;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly budgetMs: number,
    /** when the store call asked for the connection: the first statement's budget runs from there */
    private asked: number | null,
  ) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<_R>(cursor: never): never;
  query<R>(sql: string, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    if (this.broken) return Promise.reject(this.broken);
    const started = this.asked ?? performance.now();
    this.asked = null;
    const remaining = started + this.budgetMs - performance.now();
    if (remaining <= 0) return Promise.reject(new StoreTimeoutError(this.budgetMs));
    const pending = this.client.query(sql, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<R>>;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.broken = new StoreTimeoutError(this.budgetMs);
        reject(this.broken);
      }, remaining);
    });
    return Promise.race([pending, late]).finally(() => clearTimeout(timer));
  }

  release(destroy?: boolean): void {
    // pg-pool ends a released client given an error (or true), whatever it was doing
    this.client.release(this.broken ?? destroy);
  }
}

/** `pool` with every statement bounded by `budgetMs`, measured from when its store call asked. */
export function withQueryDeadline(pool: pg.Pool, budgetMs: number): PostgresPool {
  return {
    async connect() {
      const asked = performance.now();
      // bounded by connectionTimeoutMillis (the same budget); the statement gets what is left
      const client = await pool.connect();
      return new DeadlineClient(client, budgetMs, asked);
    },
    end: () => pool.end(),
  };
}
