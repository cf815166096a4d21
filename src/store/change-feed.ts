// Change notifications between instances. On PostgreSQL every write that other instances must
// see (revocations, keys, clients, users, roles and scopes) also NOTIFYs, in its transaction, and
// each instance LISTENs on one connection of its own; on SQLite there is no server to tell, and
// instances fall back to polling.
import pg from 'pg';

export type ChangeTopic = 'revocations' | 'keys' | 'clients' | 'users' | 'catalog';

export interface ChangeFeed {
  /** the NOTIFY channel; one per schema, so test schemas never hear each other */
  readonly channel: string;
  /** listens until the returned function is called; reconnects by itself after a failure */
  subscribe(onChange: (topic: ChangeTopic) => void, onState: (listening: boolean) => void): Promise<() => Promise<void>>;
}

const TOPICS = new Set<string>(['revocations', 'keys', 'clients', 'users', 'catalog']);

export class PostgresChangeFeed implements ChangeFeed {
  readonly channel: string;

  constructor(
    private readonly url: string,
    schema: string | undefined,
  ) {
    this.channel = `gatehouse_changes${schema ? `_${schema}` : ''}`;
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
        onChange('revocations');
        onChange('keys');
        onChange('catalog');
        onChange('users');
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
