// Refresh tokens by digest (tables refresh_tokens, reissued_access_tokens). spend() is single-use
// by the database: one conditional UPDATE decides which of two concurrent refreshes wins.
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { Engine } from '../engine.js';
import type { DirectSqlite } from '../sqlite-direct.js';
import type { Database, RefreshTokensTable } from '../schema.js';
import type { RefreshTokenRepository, RefreshTokenRow, ReissuedAccessToken } from '../repositories/refresh-tokens.js';
import { json, list, num, optNum, unstorable } from './columns.js';

export function toRefresh(row: Selectable<RefreshTokensTable>): RefreshTokenRow {
  return {
    digest: row.digest,
    familyId: row.family_id,
    clientId: row.client_id,
    userId: num(row.user_id),
    scopes: list(row.scopes),
    issuedAt: num(row.issued_at),
    expiresAt: num(row.expires_at),
    accessJti: row.access_jti,
    accessExpiresAt: num(row.access_expires_at),
    spentAt: optNum(row.spent_at),
    revokedAt: optNum(row.revoked_at),
    familyStartedAt: num(row.family_started_at ?? row.issued_at),
    resource: row.resource ?? null,
    successorSealed: row.successor_sealed,
    reuseUntil: optNum(row.reuse_until),
  };
}

/** Runs `fn` in one transaction: the caller's, or one of its own (on SQLite, maybe a shared commit). */
export type Atomically = <T>(fn: (trx: Kysely<Database>) => Promise<T>) => Promise<T>;

/** The row's columns as stored. */
function toColumns(row: RefreshTokenRow): RefreshTokensTable {
  return {
    digest: row.digest,
    family_id: row.familyId,
    client_id: row.clientId,
    user_id: row.userId,
    scopes: json(row.scopes),
    issued_at: row.issuedAt,
    expires_at: row.expiresAt,
    access_jti: row.accessJti,
    access_expires_at: row.accessExpiresAt,
    spent_at: row.spentAt,
    revoked_at: row.revokedAt,
    family_started_at: row.familyStartedAt,
    resource: row.resource ?? null,
    successor_sealed: row.successorSealed,
    reuse_until: row.reuseUntil,
  };
}

/**
 * PostgreSQL: the INSERT of `row` that follows a `WITH spent AS (UPDATE … RETURNING 1)`: it
 * inserts only when that UPDATE changed a row, so spend and insert are one statement (one round
 * trip, atomic without BEGIN/COMMIT). Parameters in a SELECT list have no type of their own, hence
 * the casts.
 */
export function insertIfSpent(row: RefreshTokenRow): RawBuilder<unknown> {
  const c = toColumns(row);
  return sql`INSERT INTO refresh_tokens (digest, family_id, client_id, user_id, scopes, issued_at, expires_at, access_jti,
    access_expires_at, spent_at, revoked_at, family_started_at, resource, successor_sealed, reuse_until)
    SELECT ${c.digest}::text, ${c.family_id}::text, ${c.client_id}::text, ${c.user_id}::bigint, ${c.scopes}::text,
      ${c.issued_at}::bigint, ${c.expires_at}::bigint, ${c.access_jti}::text, ${c.access_expires_at}::bigint,
      ${c.spent_at}::bigint, ${c.revoked_at}::bigint, ${c.family_started_at}::bigint, ${c.resource}::text,
      ${c.successor_sealed}::text, ${c.reuse_until}::bigint FROM spent`;
}

// the statements a rotation runs on SQLite directly (sqlite-direct.ts)
const SELECT_BY_DIGEST = 'SELECT * FROM refresh_tokens WHERE digest = ?';
const SPEND = `UPDATE refresh_tokens SET spent_at = ?, successor_sealed = ?, reuse_until = ?
  WHERE digest = ? AND spent_at IS NULL AND revoked_at IS NULL`;
let insertText: string | undefined;
/** The INSERT of every column toColumns() gives, in its order. */
function insertStatement(columns: RefreshTokensTable): string {
  const names = Object.keys(columns);
  insertText ??= `INSERT INTO refresh_tokens (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  return insertText;
}

/** A revoked token has nothing left to hand out: its sealed successor goes with it. */
const revoked = (at: number) => ({ revoked_at: at, successor_sealed: null, reuse_until: null });

export class SqlRefreshTokens implements RefreshTokenRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
    private readonly atomically: Atomically,
    /** SQLite: the hot statements run without Kysely (sqlite-direct.ts); null on PostgreSQL */
    private readonly direct: DirectSqlite | null = null,
  ) {}

  async insert(row: RefreshTokenRow): Promise<void> {
    const columns = toColumns(row);
    if (this.direct?.usableFrom(this.db)) {
      this.direct.run(insertStatement(columns), Object.values(columns));
      return;
    }
    await this.db.insertInto('refresh_tokens').values(columns).execute();
  }

  async findByDigest(digest: string): Promise<RefreshTokenRow | null> {
    const row = this.direct?.usableFrom(this.db)
      ? this.direct.get<Selectable<RefreshTokensTable>>(SELECT_BY_DIGEST, [digest])
      : await this.db.selectFrom('refresh_tokens').selectAll().where('digest', '=', digest).executeTakeFirst();
    return row ? toRefresh(row) : null;
  }

  async spend(digest: string, at: number, successor?: { sealed: string; until: number }): Promise<boolean> {
    // one conditional UPDATE: of two concurrent refreshes, exactly one changes the row, and the
    // sealed successor is there for the other the moment the spend is
    if (this.direct?.usableFrom(this.db)) return this.direct.run(SPEND, [at, successor?.sealed ?? null, successor?.until ?? null, digest]) === 1;
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ spent_at: at, successor_sealed: successor?.sealed ?? null, reuse_until: successor?.until ?? null })
      .where('digest', '=', digest)
      .where('spent_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async rotate(digest: string, at: number, successor: { sealed: string; until: number } | undefined, next: RefreshTokenRow): Promise<boolean> {
    if (this.engine === 'postgres') {
      const result = await sql`WITH spent AS (UPDATE refresh_tokens SET spent_at = ${at}, successor_sealed = ${successor?.sealed ?? null},
          reuse_until = ${successor?.until ?? null} WHERE digest = ${digest} AND spent_at IS NULL AND revoked_at IS NULL RETURNING 1)
        ${insertIfSpent(next)}`.execute(this.db);
      return Number(result.numAffectedRows) === 1;
    }
    return this.atomically(async (trx) => {
      const tokens = new SqlRefreshTokens(trx, this.engine, (fn) => fn(trx), this.direct);
      if (!(await tokens.spend(digest, at, successor))) return false;
      await tokens.insert(next);
      return true;
    });
  }

  async recordReissue(successorDigest: string, access: ReissuedAccessToken): Promise<boolean> {
    const inTransaction = <T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> =>
      this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn);
    return inTransaction(async (trx) => {
      // a no-op UPDATE that matches only a live successor: on PostgreSQL it locks the row against
      // a concurrent spend or family revocation until the access token below is recorded
      const live = await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: null })
        .where('digest', '=', successorDigest)
        .where('spent_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(live.numUpdatedRows) !== 1) return false;
      await trx.insertInto('reissued_access_tokens').values({ jti: access.jti, family_id: access.familyId, expires_at: access.expiresAt }).execute();
      return true;
    });
  }

  async revokeFamily(familyId: string, at: number): Promise<RefreshTokenRow[]> {
    await this.db.updateTable('refresh_tokens').set(revoked(at)).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
    return (await this.db.selectFrom('refresh_tokens').selectAll().where('family_id', '=', familyId).execute()).map(toRefresh);
  }

  async reissuedAccessTokens(familyId: string): Promise<ReissuedAccessToken[]> {
    const rows = await this.db.selectFrom('reissued_access_tokens').selectAll().where('family_id', '=', familyId).execute();
    return rows.map((r) => ({ jti: r.jti, familyId: r.family_id, expiresAt: num(r.expires_at) }));
  }

  async revokeByUser(userId: number, at: number): Promise<number> {
    const r = await this.db.updateTable('refresh_tokens').set(revoked(at)).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async revokeByClient(clientId: string, at: number): Promise<number> {
    const r = await this.db.updateTable('refresh_tokens').set(revoked(at)).where('client_id', '=', clientId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async revokeByUserAndClient(userId: number, clientId: string, at: number): Promise<number> {
    const r = await this.db
      .updateTable('refresh_tokens')
      .set(revoked(at))
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async active(owner: { userId: number } | { clientId: string }, now: number): Promise<RefreshTokenRow[]> {
    if ('clientId' in owner && unstorable(owner.clientId)) return [];
    let query = this.db.selectFrom('refresh_tokens').selectAll().where('spent_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', now);
    query = 'userId' in owner ? query.where('user_id', '=', owner.userId) : query.where('client_id', '=', owner.clientId);
    return (await query.orderBy('issued_at', 'desc').limit(1000).execute()).map(toRefresh);
  }
}
