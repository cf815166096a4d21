// Browser sessions by digest of the cookie's random id (table sessions).
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SessionRepository, SessionRow } from '../repositories/sessions.js';
import { parseAmr } from '../../domain/authentication-method.js';
import { json, num } from './columns.js';

export class SqlSessions implements SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: SessionRow): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ digest: row.digest, user_id: row.userId, created_at: row.createdAt, auth_time: row.authTime, expires_at: row.expiresAt, amr: json(row.amr) })
      .execute();
  }

  async get(digest: string): Promise<SessionRow | null> {
    const r = await this.db.selectFrom('sessions').selectAll().where('digest', '=', digest).executeTakeFirst();
    return r
      ? {
          digest: r.digest,
          userId: num(r.user_id),
          createdAt: num(r.created_at),
          authTime: num(r.auth_time),
          expiresAt: num(r.expires_at),
          amr: parseAmr(r.amr),
        }
      : null;
  }

  async delete(digest: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('digest', '=', digest).execute();
  }

  async deleteByUser(userId: number): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
