// TOTP secrets and recovery codes (tables totp_secrets, recovery_codes). Every single use is one
// conditional UPDATE: the database decides which of two racing requests spends a step or a code.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SecondFactorRepository, TotpRow } from '../repositories/second-factors.js';
import { num, optNum, unstorable } from './columns.js';

export class SqlSecondFactors implements SecondFactorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async getTotp(userId: number): Promise<TotpRow | null> {
    const r = await this.db.selectFrom('totp_secrets').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r
      ? {
          userId: num(r.user_id),
          sealedSecret: r.sealed_secret,
          createdAt: num(r.created_at),
          confirmedAt: optNum(r.confirmed_at),
          lastStep: optNum(r.last_step),
        }
      : null;
  }

  async putPendingTotp(userId: number, sealedSecret: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('totp_secrets').where('user_id', '=', userId).where('confirmed_at', 'is', null).execute();
      const r = await tx
        .insertInto('totp_secrets')
        .values({ user_id: userId, sealed_secret: sealedSecret, created_at: now, confirmed_at: null, last_step: null })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    });
  }

  async confirmTotp(userId: number, step: number, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('totp_secrets')
      .set({ confirmed_at: now, last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async useTotpStep(userId: number, step: number): Promise<boolean> {
    const r = await this.db
      .updateTable('totp_secrets')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deleteTotp(userId: number): Promise<boolean> {
    const r = await this.db.deleteFrom('totp_secrets').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async replaceRecoveryCodes(userId: number, digests: string[], now: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      if (digests.length)
        await tx
          .insertInto('recovery_codes')
          .values(digests.map((digest) => ({ user_id: userId, digest, created_at: now, used_at: null })))
          .execute();
    });
  }

  async spendRecoveryCode(userId: number, digest: string, now: number): Promise<boolean> {
    if (unstorable(digest)) return false;
    const r = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('digest', '=', digest)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async isSpentRecoveryCode(userId: number, digest: string): Promise<boolean> {
    if (unstorable(digest)) return false;
    const r = await this.db.selectFrom('recovery_codes').select('used_at').where('user_id', '=', userId).where('digest', '=', digest).executeTakeFirst();
    return r !== undefined && r.used_at !== null;
  }

  async unusedRecoveryCodes(userId: number): Promise<number> {
    const [{ n }] = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
    return Number(n);
  }

  async deleteAll(userId: number): Promise<number> {
    const totp = await this.db.deleteFrom('totp_secrets').where('user_id', '=', userId).executeTakeFirst();
    const codes = await this.db.deleteFrom('recovery_codes').where('user_id', '=', userId).executeTakeFirst();
    return Number(totp.numDeletedRows) + Number(codes.numDeletedRows);
  }
}
