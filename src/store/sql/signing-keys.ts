// Signing keys (table signing_keys): the private key encrypted at rest, at most one current and
// one next key per use (partial unique indexes, migration 003).
import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from '../schema.js';
import type { KeyState, KeyUse, SigningKeyRepository, SigningKeyRow } from '../repositories/signing-keys.js';
import { num, optNum } from './columns.js';
import type { Notify } from './notify.js';

export function toKey(row: Selectable<SigningKeysTable>): SigningKeyRow {
  return {
    kid: row.kid,
    alg: row.alg,
    use: row.use as KeyUse,
    state: row.state as KeyState,
    publicJwk: row.public_jwk,
    privateKeyEncrypted: row.private_key_encrypted,
    createdAt: num(row.created_at),
    activatedAt: optNum(row.activated_at),
    retiredAt: optNum(row.retired_at),
    publishUntil: optNum(row.publish_until),
  };
}

export class SqlKeys implements SigningKeyRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notify: Notify,
  ) {}

  async list(): Promise<SigningKeyRow[]> {
    return (await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute()).map(toKey);
  }

  async insert(key: SigningKeyRow): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values({
        kid: key.kid,
        alg: key.alg,
        use: key.use,
        state: key.state,
        public_jwk: key.publicJwk,
        private_key_encrypted: key.privateKeyEncrypted,
        created_at: key.createdAt,
        activated_at: key.activatedAt,
        retired_at: key.retiredAt,
        publish_until: key.publishUntil,
      })
      .execute();
    await this.notify('keys');
  }

  async update(kid: string, patch: Partial<Pick<SigningKeyRow, 'state' | 'activatedAt' | 'retiredAt' | 'publishUntil'>>): Promise<void> {
    const values: Partial<SigningKeysTable> = {};
    if (patch.state !== undefined) values.state = patch.state;
    if (patch.activatedAt !== undefined) values.activated_at = patch.activatedAt;
    if (patch.retiredAt !== undefined) values.retired_at = patch.retiredAt;
    if (patch.publishUntil !== undefined) values.publish_until = patch.publishUntil;
    if (Object.keys(values).length) await this.db.updateTable('signing_keys').set(values).where('kid', '=', kid).execute();
    await this.notify('keys');
  }

  async deleteUnpublished(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('signing_keys')
      .where('state', '=', 'retired')
      .where('publish_until', 'is not', null)
      .where('publish_until', '<=', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
