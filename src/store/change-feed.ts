// Change notifications between instances. Every write that other instances must see
// (revocations, keys, clients, users, roles and scopes) also announces its topic, in its
// transaction. On PostgreSQL the announcement is a NOTIFY and each instance LISTENs on one
// connection of its own; on SQLite it is a version bump that instances poll (sqlite-change-feed.ts).
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type ChangeTopic = 'revocations' | 'keys' | 'clients' | 'users' | 'catalog' | 'routes';

/** One committed change: its topic and, when it concerns one user or client, the uid or client id. */
export interface StoreChange {
  topic: ChangeTopic;
  /** absent: anything of the topic may have changed */
  key?: string;
}

export type ChangeListener = (change: StoreChange) => void;

/** What the store offers above it: hearing of the changes other instances commit. */
export interface ChangeSource {
  /** listens until the returned function is called; reconnects by itself after a failure */
  subscribe(onChange: ChangeListener, onState: (listening: boolean) => void): Promise<() => Promise<void>>;
}

export interface ChangeFeed extends ChangeSource {
  /** records the change through `db` (the writer's transaction when there is one): others hear of it once committed */
  announce(db: Kysely<Database>, change: StoreChange): Promise<void>;
}

export const CHANGE_TOPICS: readonly ChangeTopic[] = ['revocations', 'keys', 'clients', 'users', 'catalog', 'routes'];
const TOPICS = new Set<string>(CHANGE_TOPICS);

/** A NOTIFY payload is at most 8000 bytes: a longer key (a client id) is announced as its whole topic. */
const MAX_KEY_LENGTH = 200;

/** The NOTIFY payload: `topic` or `topic:key`. */
export function changePayload(change: StoreChange): string {
  return change.key === undefined || change.key.length > MAX_KEY_LENGTH ? change.topic : `${change.topic}:${change.key}`;
}

/** A NOTIFY payload read back; null when it is none of ours. */
export function parseChangePayload(payload: string): StoreChange | null {
  const colon = payload.indexOf(':');
  const topic = colon < 0 ? payload : payload.slice(0, colon);
  if (!TOPICS.has(topic)) return null;
  return colon < 0 ? { topic: topic as ChangeTopic } : { topic: topic as ChangeTopic, key: payload.slice(colon + 1) };
}

export class PostgresChangeFeed implements ChangeFeed {
  /** the NOTIFY channel; one per schema, so test schemas never hear each other */
  readonly channel: string;

  constructor(
    private readonly url: string,
    schema: string | undefined,
  ) {
    this.channel = `gatehouse_changes${schema ? `_${schema}` : ''}`;
  }

  async announce(db: Kysely<Database>, change: StoreChange): Promise<void> {
    // NOTIFY is delivered at commit: others hear of a change only once they can read it
    await sql`SELECT pg_notify(${this.channel}, ${changePayload(change)})`.execute(db);
  }

  async subscribe(onChange: ChangeListener, onState: (listening: boolean) => void): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;

    const connect = async (): Promise<void> => {
      if (stopped) return;
      const next = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 3000 });
      next.on('notification', (message) => {
        const change = message.payload ? parseChangePayload(message.payload) : null;
        if (change) onChange(change);
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
        for (const topic of CHANGE_TOPICS) onChange({ topic });
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
