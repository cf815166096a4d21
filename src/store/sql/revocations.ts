// The append-only revocation feed (table revocations) every instance follows by increasing id.
import type { Kysely, Selectable } from 'kysely';
import type { Database, RevocationsTable } from '../schema.js';
import type { RevocationKind, RevocationRepository, RevocationRow } from '../repositories/revocations.js';
import { num } from './columns.js';
import type { Notify } from './notify.js';

export function toRevocation(row: Selectable<RevocationsTable>): RevocationRow {
  return { id: num(row.id), kind: row.kind as RevocationKind, subject: row.subject, at: num(row.at), expiresAt: num(row.expires_at) };
}

export class SqlRevocations implements RevocationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async add(rows: Omit<RevocationRow, 'id'>[]): Promise<void> {
    if (!rows.length) return;
    await this.db
      .insertInto('revocations')
      .values(rows.map((r) => ({ kind: r.kind, subject: r.subject, at: r.at, expires_at: r.expiresAt })))
      .execute();
    await this.notify('revocations');
  }

  async since(afterId: number, limit: number): Promise<RevocationRow[]> {
    return (await this.db.selectFrom('revocations').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute()).map(toRevocation);
  }

  async active(now: number): Promise<RevocationRow[]> {
    return (await this.db.selectFrom('revocations').selectAll().where('expires_at', '>', now).orderBy('id').execute()).map(toRevocation);
  }

  async latestId(): Promise<number> {
    const row = await this.db
      .selectFrom('revocations')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return row?.id == null ? 0 : num(row.id as number);
  }
}
