// Deletes rows that can no longer matter, a bounded batch at a time, from every table that expires.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { CleanupRepository, ExpiringKind } from '../repositories/cleanup.js';

/** For each table: its key column and the column saying when a row stops mattering (seconds). */
const EXPIRY: Record<ExpiringKind, { key: string; column: string; ms?: boolean }> = {
  refresh_tokens: { key: 'digest', column: 'expires_at' },
  reissued_access_tokens: { key: 'jti', column: 'expires_at' },
  authorization_codes: { key: 'digest', column: 'expires_at' },
  revocations: { key: 'id', column: 'expires_at' },
  sessions: { key: 'digest', column: 'expires_at' },
  flood: { key: 'id', column: 'expiration' },
  audit_log: { key: 'id', column: 'at', ms: true },
  device_codes: { key: 'device_digest', column: 'expires_at' },
  user_tokens: { key: 'digest', column: 'expires_at' },
  shown_once: { key: 'digest', column: 'expires_at' },
  pending_logins: { key: 'digest', column: 'expires_at' },
  // NULL (not sent) is never before a cutoff: only sent mails go
  mail_outbox: { key: 'id', column: 'sent_at' },
  webauthn_challenges: { key: 'handle_digest', column: 'expires_at' },
};

export class SqlCleanup implements CleanupRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async deleteExpired(what: ExpiringKind, before: number, limit: number): Promise<number> {
    const { key, column, ms } = EXPIRY[what];
    const cutoff = ms ? before * 1000 : before;
    // a bounded batch, in a form both engines accept (neither DELETE … LIMIT nor ctid is portable)
    const result =
      await sql`DELETE FROM ${sql.table(what)} WHERE ${sql.ref(key)} IN (SELECT ${sql.ref(key)} FROM ${sql.table(what)} WHERE ${sql.ref(column)} < ${cutoff} LIMIT ${limit})`.execute(
        this.db,
      );
    return Number(result.numAffectedRows ?? 0);
  }

  async eraseSealedSuccessors(before: number, limit: number): Promise<number> {
    const result = await sql`UPDATE refresh_tokens SET successor_sealed = NULL, reuse_until = NULL
      WHERE digest IN (SELECT digest FROM refresh_tokens WHERE reuse_until < ${before} LIMIT ${limit})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }
}
