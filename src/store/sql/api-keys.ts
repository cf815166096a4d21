// Per-user API keys (table api_keys, migration 011).
import type { Kysely, Selectable } from 'kysely';
import type { ApiKey } from '../../domain/api-key.js';
import type { ApiKeyRepository, ApiKeyRow } from '../repositories/api-keys.js';
import type { ApiKeysTable, Database } from '../schema.js';
import { json, list, num, optNum, unstorable } from './columns.js';
import type { Notify } from './notify.js';

function toKey(r: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: r.id,
    uid: num(r.user_id),
    label: r.label,
    scopes: list(r.scopes),
    createdAt: num(r.created_at),
    lastUsedAt: optNum(r.last_used_at),
    expiresAt: optNum(r.expires_at),
    revokedAt: optNum(r.revoked_at),
  };
}

export class SqlApiKeys implements ApiKeyRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async insert(row: ApiKeyRow): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: row.id,
        user_id: row.uid,
        label: row.label,
        digest: row.digest,
        scopes: json(row.scopes),
        created_at: row.createdAt,
        last_used_at: row.lastUsedAt,
        expires_at: row.expiresAt,
        revoked_at: row.revokedAt,
      })
      .execute();
  }

  async get(id: string): Promise<ApiKeyRow | null> {
    if (unstorable(id)) return null;
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { ...toKey(r), digest: r.digest } : null;
  }

  async list(filter: { userId?: number }): Promise<ApiKey[]> {
    let query = this.db.selectFrom('api_keys').selectAll();
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toKey);
  }

  async revoke(id: string, at: number): Promise<ApiKey | null> {
    if (unstorable(id)) return null;
    await this.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    const r = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return null;
    await this.notify('users', String(num(r.user_id)));
    return toKey(r);
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}
