// Credentials the gate has verified, remembered briefly in memory so that a Basic password is not
// hashed on every request (issue 12 part 4) and an API key not read from the database each time.
// Keyed by a keyed digest of what was presented (HMAC under a subkey of GATEHOUSE_SECRET) — never
// the password or key itself — bounded in size (least recently used first out) and in time.
//
// Whenever the store announces a change of a user (a new password, a block, new roles, a revoked
// key: src/store/sql/api-keys.ts announces it as its user's change), that user's entries stop
// being trusted at once: the next use re-validates against the database before anything is
// granted. They are marked rather than dropped because a login's own timestamp write is a user
// change too, which PostgreSQL echoes back a moment later: dropping on it would send every
// request back to the hash.
import type { Clock } from '../clock.js';
import type { StoreChange } from '../store/change-feed.js';
import type { Store } from '../store/store.js';

export interface RememberedCredentialsOptions {
  clock: Clock;
  /** how long an entry lives at most */
  ttlMs: number;
  /** how many entries at most */
  limit: number;
}

/** A point in the sequence of changes heard, taken before reading what an entry rests on. */
export type ChangeMark = number;

/** A remembered value; `stale`: its user changed since, so it must be validated before use. */
export interface Remembered<T> {
  value: T;
  stale: boolean;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
  stale: boolean;
}

export class RememberedCredentials<T extends { uid: number }> {
  /** Map keeps insertion order: the first entry is the least recently used */
  private readonly entries = new Map<string, Entry<T>>();
  /** the number of changes heard so far */
  private heard = 0;
  /** the change count when every user last changed (a change naming no user) */
  private allChangedAt = 0;
  /** uid → the change count when that user last changed */
  private readonly userChangedAt = new Map<number, number>();

  constructor(private readonly options: RememberedCredentialsOptions) {}

  /** Follows the store's change notifications (this process's writes and what other instances announce). */
  follow(store: Pick<Store, 'onChange'>): () => void {
    return store.onChange((change) => this.changed(change));
  }

  changed(change: StoreChange): void {
    if (change.topic !== 'users') return;
    const uid = change.key === undefined ? Number.NaN : Number(change.key);
    if (Number.isSafeInteger(uid)) this.userChanged(uid);
    else this.allChanged();
  }

  userChanged(uid: number): void {
    this.heard++;
    this.userChangedAt.set(uid, this.heard);
    // bounded: beyond the limit the marks are folded into one that covers everyone
    if (this.userChangedAt.size > this.options.limit) {
      this.allChanged();
      return;
    }
    for (const entry of this.entries.values()) if (entry.value.uid === uid) entry.stale = true;
  }

  allChanged(): void {
    this.heard++;
    this.allChangedAt = this.heard;
    this.userChangedAt.clear();
    for (const entry of this.entries.values()) entry.stale = true;
  }

  /** Take before reading the user or key an entry will rest on; hand it to remember(). */
  mark(): ChangeMark {
    return this.heard;
  }

  get(digest: string): Remembered<T> | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    this.entries.delete(digest);
    if (entry.expiresAt <= this.options.clock.now()) return undefined;
    this.entries.set(digest, entry);
    return { value: entry.value, stale: entry.stale };
  }

  /**
   * Remembers `value`, read after `mark` was taken; stale at once if its user changed since then
   * (what was read may predate the change).
   */
  remember(digest: string, value: T, mark: ChangeMark): void {
    const stale = this.allChangedAt > mark || (this.userChangedAt.get(value.uid) ?? 0) > mark;
    this.entries.delete(digest);
    if (this.entries.size >= this.options.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest, { value, expiresAt: this.options.clock.now() + this.options.ttlMs, stale });
  }

  /**
   * A stale entry found still valid: trusted again, unless its user changed once more after
   * `mark` (taken before the validation read).
   */
  confirm(digest: string, mark: ChangeMark): void {
    const entry = this.entries.get(digest);
    if (!entry) return;
    entry.stale = this.allChangedAt > mark || (this.userChangedAt.get(entry.value.uid) ?? 0) > mark;
  }

  forget(digest: string): void {
    this.entries.delete(digest);
  }

  get size(): number {
    return this.entries.size;
  }
}
