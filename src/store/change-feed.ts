// Change notifications between instances. Every write that other instances must see
// (revocations, keys, clients, users, roles and scopes) also announces its topic, in its
// transaction. On PostgreSQL the announcement is a NOTIFY and each instance LISTENs on one
// connection of its own; on SQLite it is a version bump that instances poll (sqlite-change-feed.ts).
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type ChangeTopic = 'revocations' | 'keys' | 'clients' | 'users' | 'catalog';

export interface ChangeFeed {
  /** records that `topic` changed, through `db` (the writer's transaction when there is one) */
  announce(db: Kysely<Database>, topic: ChangeTopic): Promise<void>;
  /** listens until the returned function is called; reconnects by itself after a failure */
  subscribe(onChange: (topic: ChangeTopic) => void, onState: (listening: boolean) => void): Promise<() => Promise<void>>;
}

export const CHANGE_TOPICS: readonly ChangeTopic[] = ['revocations', 'keys', 'clients', 'users', 'catalog'];
const TOPICS = new Set<string>(CHANGE_TOPICS);

export class PostgresChangeFeed implements ChangeFeed {
  /** the NOTIFY channel; one per schema, so test schemas never hear each other */
  readonly channel: string;

  constructor(
    private readonly url: string,
    schema: string | undefined,
  ) {
    this.channel = `gatehouse_changes${schema ? `_${schema}` : ''}`;
  }

  async announce(db: Kysely<Database>, topic: ChangeTopic): Promise<void> {
    // NOTIFY is delivered at commit: others hear of a change only once they can read it
    await sql`SELECT pg_notify(${this.channel}, ${topic})`.execute(db);
  }

  async subscribe(onChange: (topic: ChangeTopic) => void, onState: (listening: boolean) => void): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;

    const connect = async (): Promise<void> => {
      if (stopped) return;
      const next = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 3000 });
      next.on('notification', (message) => {
        if (message.payload && TOPICS.has(message.payload)) onChange(message.payload as ChangeTopic);
      });
      const lost = (): void => {
        if (client !== next) return;
        client = null;
        onState(false);
        next.end().catch(() => undefined);
        if (!stopped) retry = setTimeout(() => void connect(), 1000);
      };
      next.on('error', lost);
      next.on('end', lost);
      try {
        await next.connect();
        await next.query(`LISTEN ${this.channel}`);
        client = next;
        onState(true);
        // whatever changed while nobody listened is picked up by the caller on reconnect
        for (const topic of CHANGE_TOPICS) onChange(topic);
      } catch {
        next.end().catch(() => undefined);
        if (!stopped) retry = setTimeout(() => void connect(), 1000);
      }
    };

    await connect();
    return async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = null;
      if (current) await current.end().catch(() => undefined);
    };
  }
}
