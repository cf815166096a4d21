// Change notifications on SQLite, where there is no server to NOTIFY through: a write that others
// must see bumps its topic's version row (in the writer's transaction), and a serving instance
// reads those few rows every pollMs and announces each topic whose version moved. So a role or
// scope changed by `gatehouse apply` beside a running instance is in force within a poll or two.
// A version says only which topic moved, never which user or client: listeners drop the topic.
import type { Kysely } from 'kysely';
import { CHANGE_TOPICS, type ChangeFeed, type ChangeListener, type StoreChange } from './change-feed.js';
import type { Database } from './schema.js';
import { bumpChangeVersion, readChangeVersions } from './sql/change-versions.js';

export class SqliteChangeFeed implements ChangeFeed {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly pollMs: number,
  ) {}

  async announce(db: Kysely<Database>, change: StoreChange): Promise<void> {
    await bumpChangeVersion(db, change.topic);
  }

  async subscribe(onChange: ChangeListener, onState: (listening: boolean) => void): Promise<() => Promise<void>> {
    let seen: Map<string, number> | null = null;
    let stopped = false;
    let timer: NodeJS.Timeout | null = null;
    let polling: Promise<void> = Promise.resolve();

    const poll = async (): Promise<void> => {
      let now: Map<string, number>;
      try {
        now = await readChangeVersions(this.db);
      } catch {
        if (stopped) return;
        if (seen) onState(false);
        seen = null;
        return;
      }
      const before = seen;
      seen = now;
      if (!before) {
        onState(true);
        // whatever changed while nobody looked is picked up by the caller, as after a reconnect
        for (const topic of CHANGE_TOPICS) onChange({ topic });
        return;
      }
      for (const topic of CHANGE_TOPICS) if (now.get(topic) !== before.get(topic)) onChange({ topic });
    };

    const next = (): void => {
      if (stopped) return;
      timer = setTimeout(() => {
        polling = poll().finally(next);
      }, this.pollMs);
      timer.unref();
    };

    await poll();
    next();
    return async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await polling;
    };
  }
}
