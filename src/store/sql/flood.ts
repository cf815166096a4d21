// Flood-control counters (table flood). reserve() is atomic per engine: one statement on
// SQLite, a transaction holding an advisory lock per counter on PostgreSQL.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';
import { floodWait } from '../flood-wait.js';
import type { Database } from '../schema.js';
import type { FloodLimit, FloodRepository, FloodReservation } from '../repositories/flood.js';
import { num } from './columns.js';

/** A PostgreSQL advisory-lock id per flood counter (64 bits of SHA-256: collisions only serialize). */
function floodLockId(limit: FloodLimit): bigint {
  return createHash('sha256').update(`gatehouse flood\u0000${limit.event}\u0000${limit.identifier}`).digest().readBigInt64BE(0);
}

export class SqlFlood implements FloodRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  async reserve(limits: readonly FloodLimit[], at: number): Promise<{ reserved: FloodReservation } | { retryAfter: number }> {
    if (!limits.length) return { reserved: [] };
    let rows: { id: number | string; event: string; identifier: string }[];
    if (this.engine === 'postgres') {
      // READ COMMITTED lets two statements count the same rows: each counter's lock is held
      // from before its count to the commit, taken in one global order so no two wait on each other
      const locks = [...new Set(limits.map(floodLockId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const lockAndInsert = async (trx: Kysely<Database>) => {
        for (const id of locks) await sql`SELECT pg_advisory_xact_lock(CAST(${id.toString()} AS bigint))`.execute(trx);
        return (await reserveStatement(limits, at).execute(trx)).rows;
      };
      rows = this.db.isTransaction ? await lockAndInsert(this.db) : await this.db.transaction().execute(lockAndInsert);
    } else {
      // one statement: SQLite takes the write lock before it reads, so the statement is atomic
      // across connections and processes
      rows = (await reserveStatement(limits, at).execute(this.db)).rows;
    }
    if (rows.length) return { reserved: rows.map((r) => ({ event: r.event, identifier: r.identifier, id: String(r.id) })) };
    return { retryAfter: await this.retryAfter(limits, at) };
  }

  /** Seconds until every counter allows one more (read after a refusal; advisory, not atomic). */
  private async retryAfter(limits: readonly FloodLimit[], at: number): Promise<number> {
    const waits = await Promise.all(
      limits.map(async (limit) => {
        const row = await this.db
          .selectFrom('flood')
          .select('timestamp')
          .where('event', '=', limit.event)
          .where('identifier', '=', limit.identifier)
          .where('timestamp', '>', at - limit.window)
          .orderBy('timestamp', 'desc')
          .limit(1)
          .offset(limit.limit - 1)
          .executeTakeFirst();
        return floodWait(row ? num(row.timestamp) : null, limit.window, at) ?? 1;
      }),
    );
    return Math.max(1, ...waits);
  }

  async release(reservation: FloodReservation): Promise<void> {
    const ids = reservation.map((r) => Number(r.id)).filter((id) => Number.isSafeInteger(id));
    if (ids.length) await this.db.deleteFrom('flood').where('id', 'in', ids).execute();
  }

  async clear(event: string, identifier: string): Promise<void> {
    await this.db.deleteFrom('flood').where('event', '=', event).where('identifier', '=', identifier).execute();
  }
}

/**
 * INSERT one row per counter only if no counter is full, returning what it inserted: the counts
 * and the insert are a single statement (on PostgreSQL, run under the counters' locks).
 */
function reserveStatement(limits: readonly FloodLimit[], at: number) {
  const counters = sql.join(
    limits.map((l) => sql`(CAST(${l.event} AS text), CAST(${l.identifier} AS text), CAST(${l.limit} AS bigint), CAST(${l.window} AS bigint))`),
  );
  return sql<{ id: number | string; event: string; identifier: string }>`
    WITH counters(event, identifier, lim, win) AS (VALUES ${counters})
    INSERT INTO flood (event, identifier, timestamp, expiration)
    SELECT event, identifier, CAST(${at} AS bigint), CAST(${at} AS bigint) + win FROM counters
    WHERE NOT EXISTS (
      SELECT 1 FROM counters AS c
      WHERE (SELECT COUNT(*) FROM flood AS f WHERE f.event = c.event AND f.identifier = c.identifier AND f.timestamp > CAST(${at} AS bigint) - c.win) >= c.lim
    )
    RETURNING id, event, identifier`;
}
