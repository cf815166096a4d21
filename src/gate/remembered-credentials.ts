// Credentials the gate has verified, remembered briefly in memory so that a Basic password is not
// hashed on every request (issue 12 part 4) and an API key not read from the database each time.
// Keyed by a keyed digest of what was presented (HMAC under a subkey of GATEHOUSE_SECRET) — never
// the password or key itself — bounded in size (least recently used first out) and in time, and
// forgotten at once for a user whenever the store announces a change of that user: a new password,
// a block, new roles, a revoked key (src/store/sql/api-keys.ts announces it as its user's change).
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

export class RememberedCredentials<T extends { uid: number }> {
  /** Map keeps insertion order: the first entry is the least recently used */
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  /** the number of changes heard so far */
  private heard = 0;
  /** the change count when every user was last forgotten */
  private allForgottenAt = 0;
  /** uid → the change count when that user was last forgotten */
  private readonly userForgottenAt = new Map<number, number>();

  constructor(private readonly options: RememberedCredentialsOptions) {}

  /** Follows the store's change notifications (this process's writes and what other instances announce). */
  follow(store: Pick<Store, 'onChange'>): () => void {
    return store.onChange((change) => this.changed(change));
  }

  changed(change: StoreChange): void {
    if (change.topic !== 'users') return;
    const uid = change.key === undefined ? Number.NaN : Number(change.key);
    if (Number.isSafeInteger(uid)) this.forgetUser(uid);
    else this.forgetAll();
  }

  forgetUser(uid: number): void {
    this.heard++;
    this.userForgottenAt.set(uid, this.heard);
    // bounded: beyond the limit the oldest marks are dropped, and what they guarded with them
    if (this.userForgottenAt.size > this.options.limit) this.forgetAll();
    for (const [digest, entry] of this.entries) if (entry.value.uid === uid) this.entries.delete(digest);
  }

  forgetAll(): void {
    this.heard++;
    this.allForgottenAt = this.heard;
    this.userForgottenAt.clear();
    this.entries.clear();
  }

  /** Take before reading the user or key an entry will rest on; hand it to remember(). */
  mark(): ChangeMark {
    return this.heard;
  }

  get(digest: string): T | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    this.entries.delete(digest);
    if (entry.expiresAt <= this.options.clock.now()) return undefined;
    this.entries.set(digest, entry);
    return entry.value;
  }

  /**
   * Remembers `value` unless its user (or everyone) was forgotten since `mark`: what was read
   * before that change may be stale, and is not kept. Returns whether it was kept.
   */
  remember(digest: string, value: T, mark: ChangeMark): boolean {
    if (this.allForgottenAt > mark || (this.userForgottenAt.get(value.uid) ?? 0) > mark) return false;
    this.entries.delete(digest);
    if (this.entries.size >= this.options.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest, { value, expiresAt: this.options.clock.now() + this.options.ttlMs });
    return true;
  }

  forget(digest: string): void {
    this.entries.delete(digest);
  }

  get size(): number {
    return this.entries.size;
  }
}
