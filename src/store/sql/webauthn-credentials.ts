// WebAuthn passkeys (table webauthn_credentials). recordUse() is one conditional UPDATE.
import type { Kysely, Selectable } from 'kysely';
import type { Database, WebauthnCredentialsTable } from '../schema.js';
import type { PasskeyDeviceType, WebAuthnCredentialRepository, WebAuthnCredentialRow } from '../repositories/webauthn-credentials.js';
import { bool, json, list, num, optNum, unstorable } from './columns.js';

function toRow(r: Selectable<WebauthnCredentialsTable>): WebAuthnCredentialRow {
  return {
    id: r.id,
    userId: num(r.user_id),
    publicKey: r.public_key,
    counter: num(r.counter),
    transports: list(r.transports),
    deviceType: r.device_type as PasskeyDeviceType,
    backedUp: num(r.backed_up) === 1,
    name: r.name,
    createdAt: num(r.created_at),
    lastUsedAt: optNum(r.last_used_at),
  };
}

export class SqlWebAuthnCredentials implements WebAuthnCredentialRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: WebAuthnCredentialRow): Promise<boolean> {
    const result = await this.db
      .insertInto('webauthn_credentials')
      .values({
        id: row.id,
        user_id: row.userId,
        public_key: row.publicKey,
        counter: row.counter,
        transports: json(row.transports),
        device_type: row.deviceType,
        backed_up: bool(row.backedUp),
        name: row.name,
        created_at: row.createdAt,
        last_used_at: row.lastUsedAt,
      })
      .onConflict((c) => c.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async get(id: string): Promise<WebAuthnCredentialRow | null> {
    if (unstorable(id)) return null;
    const r = await this.db.selectFrom('webauthn_credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toRow(r) : null;
  }

  async listByUser(userId: number): Promise<WebAuthnCredentialRow[]> {
    const rows = await this.db.selectFrom('webauthn_credentials').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toRow);
  }

  async recordUse(id: string, seenCounter: number, newCounter: number, backedUp: boolean, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('webauthn_credentials')
      .set({ counter: newCounter, backed_up: bool(backedUp), last_used_at: at })
      .where('id', '=', id)
      .where('counter', '=', seenCounter)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async rename(userId: number, id: string, name: string): Promise<boolean> {
    if (unstorable(id)) return false;
    const result = await this.db.updateTable('webauthn_credentials').set({ name }).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(userId: number, id: string): Promise<boolean> {
    if (unstorable(id)) return false;
    const result = await this.db.deleteFrom('webauthn_credentials').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async deleteAllForUser(userId: number): Promise<number> {
    const result = await this.db.deleteFrom('webauthn_credentials').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
