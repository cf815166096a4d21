// Secrets held for one view (table shown_once). take() is one DELETE … RETURNING.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { ShownOnceRepository, ShownOnceRow } from '../repositories/shown-once.js';
import { num, unstorable } from './columns.js';

export class SqlShownOnce implements ShownOnceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ShownOnceRow): Promise<void> {
    await this.db
      .insertInto('shown_once')
      .values({ digest: row.digest, session_digest: row.sessionDigest, sealed: row.sealed, expires_at: row.expiresAt })
      .execute();
  }

  async take(digest: string, sessionDigest: string, at: number): Promise<ShownOnceRow | null> {
    if (unstorable(digest) || unstorable(sessionDigest)) return null;
    const r = await this.db
      .deleteFrom('shown_once')
      .where('digest', '=', digest)
      .where('session_digest', '=', sessionDigest)
      .where('expires_at', '>', at)
      .returningAll()
      .executeTakeFirst();
    return r ? { digest: r.digest, sessionDigest: r.session_digest, sealed: r.sealed, expiresAt: num(r.expires_at) } : null;
  }
}
