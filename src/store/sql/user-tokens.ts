// One-time user tokens by keyed digest (table user_tokens). spend() is one conditional UPDATE.
import type { Kysely, Selectable } from 'kysely';
import type { Database, UserTokensTable } from '../schema.js';
import type { UserTokenPurpose, UserTokenRepository, UserTokenRow } from '../repositories/user-tokens.js';
import { num, optNum, unstorable } from './columns.js';

function toRow(r: Selectable<UserTokensTable>): UserTokenRow {
  return {
    digest: r.digest,
    purpose: r.purpose as UserTokenPurpose,
    userId: num(r.user_id),
    mail: r.mail,
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    usedAt: optNum(r.used_at),
  };
}

export class SqlUserTokens implements UserTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: UserTokenRow): Promise<void> {
    await this.db
      .insertInto('user_tokens')
      .values({
        digest: row.digest,
        purpose: row.purpose,
        user_id: row.userId,
        mail: row.mail,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
        used_at: row.usedAt,
      })
      .execute();
  }

  async get(digest: string): Promise<UserTokenRow | null> {
    if (unstorable(digest)) return null;
    const r = await this.db.selectFrom('user_tokens').selectAll().where('digest', '=', digest).executeTakeFirst();
    return r ? toRow(r) : null;
  }

  async spend(digest: string, at: number): Promise<UserTokenRow | null> {
    if (unstorable(digest)) return null;
    const result = await this.db
      .updateTable('user_tokens')
      .set({ used_at: at })
      .where('digest', '=', digest)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
    return this.get(digest);
  }

  async deleteUnused(userId: number): Promise<void> {
    await this.db.deleteFrom('user_tokens').where('user_id', '=', userId).where('used_at', 'is', null).execute();
  }
}
