// Registration policy, initial access tokens and client registrations (RFC 7591/7592).
// spendInitialToken() is single-step: one conditional UPDATE whose row count decides.
import { sql, type Kysely } from 'kysely';
import type { RegistrationPolicy } from '../../domain/registration-policy.js';
import type { Database } from '../schema.js';
import type { ClientMetadata, ClientRegistrationRow, InitialAccessTokenRow, RegistrationRepository } from '../repositories/registrations.js';
import { json, num, optNum, unstorable } from './columns.js';

const POLICY_ROW = 1;

export class SqlRegistrations implements RegistrationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async policy(): Promise<RegistrationPolicy | null> {
    const r = await this.db.selectFrom('registration_policy').select('policy').where('id', '=', POLICY_ROW).executeTakeFirst();
    return r ? (JSON.parse(r.policy) as RegistrationPolicy) : null;
  }

  async setPolicy(policy: RegistrationPolicy): Promise<void> {
    await this.db
      .insertInto('registration_policy')
      .values({ id: POLICY_ROW, policy: json(policy) })
      .onConflict((oc) => oc.column('id').doUpdateSet({ policy: json(policy) }))
      .execute();
  }

  async createInitialToken(row: InitialAccessTokenRow): Promise<void> {
    await this.db
      .insertInto('initial_access_tokens')
      .values({ digest: row.digest, created_at: row.createdAt, expires_at: row.expiresAt, max_uses: row.maxUses, uses: row.uses })
      .execute();
  }

  async findInitialToken(digest: string): Promise<InitialAccessTokenRow | null> {
    if (unstorable(digest)) return null;
    const r = await this.db.selectFrom('initial_access_tokens').selectAll().where('digest', '=', digest).executeTakeFirst();
    if (!r) return null;
    return { digest: r.digest, createdAt: num(r.created_at), expiresAt: optNum(r.expires_at), maxUses: optNum(r.max_uses), uses: num(r.uses) };
  }

  async spendInitialToken(digest: string, now: number): Promise<boolean> {
    if (unstorable(digest)) return false;
    const r = await this.db
      .updateTable('initial_access_tokens')
      .set({ uses: sql`uses + 1` })
      .where('digest', '=', digest)
      .where(sql<boolean>`(expires_at IS NULL OR expires_at > ${now})`)
      .where(sql<boolean>`(max_uses IS NULL OR uses < max_uses)`)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insert(row: ClientRegistrationRow): Promise<void> {
    await this.db
      .insertInto('client_registrations')
      .values({
        client_id: row.clientId,
        access_digest: row.accessDigest,
        metadata: json(row.metadata),
        registered_at: row.registeredAt,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  async get(clientId: string): Promise<ClientRegistrationRow | null> {
    if (unstorable(clientId)) return null;
    const r = await this.db.selectFrom('client_registrations').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    if (!r) return null;
    return {
      clientId: r.client_id,
      accessDigest: r.access_digest,
      metadata: JSON.parse(r.metadata) as ClientMetadata,
      registeredAt: num(r.registered_at),
      expiresAt: optNum(r.expires_at),
    };
  }

  async clientIds(): Promise<string[]> {
    return (await this.db.selectFrom('client_registrations').select('client_id').execute()).map((r) => r.client_id);
  }

  async updateMetadata(clientId: string, metadata: ClientMetadata): Promise<void> {
    await this.db
      .updateTable('client_registrations')
      .set({ metadata: json(metadata) })
      .where('client_id', '=', clientId)
      .execute();
  }

  async delete(clientId: string): Promise<void> {
    if (unstorable(clientId)) return;
    await this.db.deleteFrom('client_registrations').where('client_id', '=', clientId).execute();
  }

  async expired(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('client_registrations')
      .select('client_id')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<', now)
      .limit(limit)
      .execute();
    return rows.map((r) => r.client_id);
  }
}
