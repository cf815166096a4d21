// How a SQL repository announces a change: to other processes through the change feed, in the
// writer's transaction (they hear of it once it commits), and to this process's listeners once it
// is committed — when its transaction ends, or at once outside one.
import type { Kysely } from 'kysely';
import type { ChangeFeed, ChangeListener, ChangeTopic, StoreChange } from '../change-feed.js';
import type { Database } from '../schema.js';

/** `key`: the uid or client id, when the change concerns one user or client. */
export type Notify = (topic: ChangeTopic, key?: string) => Promise<void>;

/** This process's listeners to one store's changes. A listener must not throw: the write is done. */
export class ChangeListeners {
  private readonly listeners = new Set<ChangeListener>();

  add(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  tell(change: StoreChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

/**
 * The Notify of a store bound to `db`: announces through the feed, then hands the change to
 * `committed` — which tells the listeners at once outside a transaction, or keeps it for the commit.
 */
export function notifier(db: Kysely<Database>, feed: ChangeFeed | null, committed: (change: StoreChange) => void): Notify {
  return async (topic, key) => {
    const change: StoreChange = key === undefined ? { topic } : { topic, key };
    await feed?.announce(db, change);
    committed(change);
  };
}
