// Logins waiting for a second factor, by digest of the browser's cookie (table pending_logins).
import type { Kysely } from 'kysely';
import { parseAmr } from '../../domain/authentication-method.js';
import type { Database } from '../schema.js';
import type { PendingLoginRepository, PendingLoginRow } from '../repositories/pending-logins.js';
import { json, num, unstorable } from './columns.js';

export class SqlPendingLogins implements PendingLoginRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: PendingLoginRow): Promise<void> {
    await this.db
      .insertInto('pending_logins')
      .values({
        digest: row.digest,
        user_id: row.userId,
        amr: json(row.amr),
        destination: row.destination,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  async get(digest: string): Promise<PendingLoginRow | null> {
    if (unstorable(digest)) return null;
    const r = await this.db.selectFrom('pending_logins').selectAll().where('digest', '=', digest).executeTakeFirst();
    return r
      ? {
          digest: r.digest,
          userId: num(r.user_id),
          amr: parseAmr(r.amr),
          destination: r.destination,
          createdAt: num(r.created_at),
          expiresAt: num(r.expires_at),
        }
      : null;
  }

  async delete(digest: string): Promise<boolean> {
    const r = await this.db.deleteFrom('pending_logins').where('digest', '=', digest).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }
}
