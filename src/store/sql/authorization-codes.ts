// Authorization codes by digest (table authorization_codes). spend() is single-use by the
// database: one conditional UPDATE, which also records what the exchange issued.
import { sql, type Kysely, type Selectable } from 'kysely';
import { parseAmr } from '../../domain/authentication-method.js';
import type { ClaimsRequest } from '../../domain/claims-request.js';
import type { Engine } from '../engine.js';
import type { DirectSqlite } from '../sqlite-direct.js';
import type { RefreshTokenRow } from '../repositories/refresh-tokens.js';
import type { AuthorizationCodesTable, Database } from '../schema.js';
import type { AuthorizationCodeRepository, AuthorizationCodeRow } from '../repositories/authorization-codes.js';
import { bool, json, list, num, optNum, unstorable } from './columns.js';
import { type Atomically, insertIfSpent, SqlRefreshTokens } from './refresh-tokens.js';

export function toCode(r: Selectable<AuthorizationCodesTable>): AuthorizationCodeRow {
  return {
    digest: r.digest,
    clientId: r.client_id,
    userId: num(r.user_id),
    redirectUri: r.redirect_uri,
    redirectUriGiven: r.redirect_uri_given === 1,
    scopes: list(r.scopes),
    codeChallenge: r.code_challenge,
    codeChallengeMethod: r.code_challenge_method,
    nonce: r.nonce,
    authTime: num(r.auth_time),
    issuedAt: num(r.issued_at),
    issuedMs: num(r.issued_ms ?? num(r.issued_at) * 1000),
    expiresAt: num(r.expires_at),
    usedAt: optNum(r.used_at),
    familyId: r.family_id,
    accessJti: r.access_jti,
    accessExpiresAt: optNum(r.access_expires_at),
    claims: r.claims ? (JSON.parse(r.claims) as ClaimsRequest) : null,
    resource: r.resource ?? null,
    amr: r.amr ? parseAmr(r.amr) : null,
  };
}

// the statements an exchange runs on SQLite directly (sqlite-direct.ts)
const SELECT_BY_DIGEST = 'SELECT * FROM authorization_codes WHERE digest = ?';
const SPEND = 'UPDATE authorization_codes SET used_at = ?, family_id = ?, access_jti = ?, access_expires_at = ? WHERE digest = ? AND used_at IS NULL';

export class SqlCodes implements AuthorizationCodeRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
    private readonly atomically: Atomically,
    /** SQLite: the hot statements run without Kysely (sqlite-direct.ts); null on PostgreSQL */
    private readonly direct: DirectSqlite | null = null,
  ) {}

  async insert(row: AuthorizationCodeRow): Promise<void> {
    await this.db
      .insertInto('authorization_codes')
      .values({
        digest: row.digest,
        client_id: row.clientId,
        user_id: row.userId,
        redirect_uri: row.redirectUri,
        redirect_uri_given: bool(row.redirectUriGiven),
        scopes: json(row.scopes),
        code_challenge: row.codeChallenge,
        code_challenge_method: row.codeChallengeMethod,
        nonce: row.nonce,
        auth_time: row.authTime,
        issued_at: row.issuedAt,
        issued_ms: row.issuedMs,
        expires_at: row.expiresAt,
        used_at: row.usedAt,
        family_id: row.familyId,
        access_jti: row.accessJti,
        access_expires_at: row.accessExpiresAt,
        claims: row.claims ? json(row.claims) : null,
        resource: row.resource ?? null,
        amr: row.amr ? json(row.amr) : null,
      })
      .execute();
  }

  async findByDigest(digest: string): Promise<AuthorizationCodeRow | null> {
    const r = this.direct?.usableFrom(this.db)
      ? this.direct.get<Selectable<AuthorizationCodesTable>>(SELECT_BY_DIGEST, [digest])
      : await this.db.selectFrom('authorization_codes').selectAll().where('digest', '=', digest).executeTakeFirst();
    return r ? toCode(r) : null;
  }

  async spend(digest: string, at: number, issued: { familyId: string | null; accessJti: string; accessExpiresAt: number }): Promise<boolean> {
    if (this.direct?.usableFrom(this.db)) return this.direct.run(SPEND, [at, issued.familyId, issued.accessJti, issued.accessExpiresAt, digest]) === 1;
    const r = await this.db
      .updateTable('authorization_codes')
      .set({ used_at: at, family_id: issued.familyId, access_jti: issued.accessJti, access_expires_at: issued.accessExpiresAt })
      .where('digest', '=', digest)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async exchange(
    digest: string,
    at: number,
    issued: { familyId: string | null; accessJti: string; accessExpiresAt: number },
    refresh: RefreshTokenRow | null,
  ): Promise<boolean> {
    if (!refresh) return this.spend(digest, at, issued);
    if (this.engine === 'postgres') {
      const result = await sql`WITH spent AS (UPDATE authorization_codes SET used_at = ${at}, family_id = ${issued.familyId},
          access_jti = ${issued.accessJti}, access_expires_at = ${issued.accessExpiresAt} WHERE digest = ${digest} AND used_at IS NULL RETURNING 1)
        ${insertIfSpent(refresh)}`.execute(this.db);
      return Number(result.numAffectedRows) === 1;
    }
    return this.atomically(async (trx) => {
      if (!(await new SqlCodes(trx, this.engine, (fn) => fn(trx), this.direct).spend(digest, at, issued))) return false;
      await new SqlRefreshTokens(trx, this.engine, (fn) => fn(trx), this.direct).insert(refresh);
      return true;
    });
  }

  async voidUnused(userId: number, clientId?: string): Promise<number> {
    if (clientId !== undefined && unstorable(clientId)) return 0;
    let query = this.db.deleteFrom('authorization_codes').where('user_id', '=', userId).where('used_at', 'is', null);
    if (clientId !== undefined) query = query.where('client_id', '=', clientId);
    return Number((await query.executeTakeFirst()).numDeletedRows);
  }
}
