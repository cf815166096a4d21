// Device authorizations by digest (table device_codes). Each state change is one conditional
// UPDATE: the database, not the caller, decides which of two racing requests wins.
import { sql, type Kysely, type Selectable } from 'kysely';
import { parseAmr } from '../../domain/authentication-method.js';
import type { Database, DeviceCodesTable } from '../schema.js';
import type { DeviceCodeRepository, DeviceCodeRow, DeviceCodeStatus } from '../repositories/device-codes.js';
import { json, list, num, optNum, unstorable } from './columns.js';

/** RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests" */
const SLOW_DOWN_STEP = 5;

function toDeviceCode(r: Selectable<DeviceCodesTable>): DeviceCodeRow {
  return {
    deviceDigest: r.device_digest,
    userCodeDigest: r.user_code_digest,
    clientId: r.client_id,
    scopes: list(r.scopes),
    status: r.status as DeviceCodeStatus,
    userId: optNum(r.user_id),
    authTime: optNum(r.auth_time),
    amr: r.amr ? parseAmr(r.amr) : null,
    interval: num(r.poll_interval),
    issuedMs: num(r.issued_ms),
    expiresAt: num(r.expires_at),
  };
}

export class SqlDeviceCodes implements DeviceCodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: DeviceCodeRow): Promise<boolean> {
    const r = await this.db
      .insertInto('device_codes')
      .values({
        device_digest: row.deviceDigest,
        user_code_digest: row.userCodeDigest,
        client_id: row.clientId,
        scopes: json(row.scopes),
        status: row.status,
        user_id: row.userId,
        auth_time: row.authTime,
        amr: row.amr ? json(row.amr) : null,
        poll_interval: row.interval,
        issued_ms: row.issuedMs,
        expires_at: row.expiresAt,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async findByDeviceDigest(digest: string): Promise<DeviceCodeRow | null> {
    if (unstorable(digest)) return null;
    const r = await this.db.selectFrom('device_codes').selectAll().where('device_digest', '=', digest).executeTakeFirst();
    return r ? toDeviceCode(r) : null;
  }

  async findByUserCodeDigest(digest: string): Promise<DeviceCodeRow | null> {
    if (unstorable(digest)) return null;
    const r = await this.db.selectFrom('device_codes').selectAll().where('user_code_digest', '=', digest).executeTakeFirst();
    return r ? toDeviceCode(r) : null;
  }

  async decide(
    userCodeDigest: string,
    decision: { status: 'approved' | 'denied'; userId: number; authTime: number; amr?: string[] },
    now: number,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('device_codes')
      .set({ status: decision.status, user_id: decision.userId, auth_time: decision.authTime, amr: decision.amr ? json(decision.amr) : null })
      .where('user_code_digest', '=', userCodeDigest)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async slowDown(deviceDigest: string): Promise<void> {
    await this.db
      .updateTable('device_codes')
      .set({ poll_interval: sql`poll_interval + ${SLOW_DOWN_STEP}` })
      .where('device_digest', '=', deviceDigest)
      .execute();
  }

  async redeem(deviceDigest: string): Promise<boolean> {
    const r = await this.db
      .updateTable('device_codes')
      .set({ status: 'redeemed' })
      .where('device_digest', '=', deviceDigest)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
