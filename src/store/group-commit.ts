// Group commit for SQLite: short transactions that arrive while another is being written (a
// refresh-token rotation, a code exchange) share one BEGIN IMMEDIATE … COMMIT. Each runs in a
// savepoint of its own — one that throws is rolled back alone — and each caller hears its
// outcome only after the shared COMMIT, so an answer never gets ahead of what is stored. A
// commit that fails fails every member. One commit writes the pages the members share (table
// and index pages, the WAL header) once instead of once per transaction.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { DirectSqlite } from './sqlite-direct.js';

/** Most transactions one commit takes; the rest wait for the next. */
const MAX_MEMBERS = 64;

interface Member {
  fn: (trx: Kysely<Database>) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class GroupCommit {
  private waiting: Member[] = [];
  private busy = false;

  constructor(
    private readonly db: Kysely<Database>,
    /** the connection itself, for the savepoints (the group's transaction holds it) */
    private readonly direct: DirectSqlite | null = null,
  ) {}

  /**
   * Runs `fn` inside the next shared transaction and resolves with its result once that
   * transaction has committed. `fn` must do database work only: every member of its group waits
   * while it runs.
   */
  run<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      // those arriving in the same turn of the event loop, or while a group is written, join
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, MAX_MEMBERS);
      await this.commit(group);
    }
    this.busy = false;
  }

  /** A member's savepoint statement, on the connection the group's transaction holds. */
  private async savepoint(trx: Kysely<Database>, text: 'savepoint gh_member' | 'release gh_member' | 'rollback to gh_member'): Promise<void> {
    if (this.direct) this.direct.run(text, []);
    else await sql.raw(text).execute(trx);
  }

  private async commit(group: Member[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const member of group) {
          await this.savepoint(trx, 'savepoint gh_member');
          try {
            const value = await member.fn(trx);
            await this.savepoint(trx, 'release gh_member');
            outcomes.push({ ok: true, value });
          } catch (error) {
            // undoes this member's writes only; a failure SQLite could not confine throws here
            // and fails the whole group (nothing of it is committed, no one is answered 200)
            await this.savepoint(trx, 'rollback to gh_member');
            await this.savepoint(trx, 'release gh_member');
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const member of group) member.reject(error);
      return;
    }
    group.forEach((member, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) member.resolve(outcome.value);
      else member.reject(outcome.error);
    });
  }
}
