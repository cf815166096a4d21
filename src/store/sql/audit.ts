// The audit log (table audit_log): appended in batches, read newest first.
import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';
import type { Database } from '../schema.js';
import type { AuditEntry, AuditFilter, AuditRepository, HourlyActivity } from '../repositories/audit.js';
import { num, optNum, unstorable } from './columns.js';

export class SqlAudit implements AuditRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: Engine,
  ) {}

  async append(entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    // the hot path audits every token: one JSON parameter and a constant statement cost far
    // less than a statement with nine placeholders per row
    const rows = JSON.stringify(entries.map((e) => [e.at, e.event, e.outcome, e.userId, e.clientId, e.ip, e.endpoint, e.detail]));
    if (this.engine === 'postgres') {
      await sql`INSERT INTO audit_log (at, event, outcome, user_id, client_id, ip, endpoint, detail)
        SELECT (r->>0)::bigint, r->>1, r->>2, (r->>3)::bigint, r->>4, r->>5, r->>6, r->>7 FROM jsonb_array_elements(${rows}::jsonb) AS r`.execute(this.db);
    } else {
      await sql`INSERT INTO audit_log (at, event, outcome, user_id, client_id, ip, endpoint, detail)
        SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7 FROM json_each(${rows})`.execute(this.db);
    }
  }

  tail(limit: number, beforeId?: number): Promise<(AuditEntry & { id: number })[]> {
    return this.search({ limit, beforeId });
  }

  async hourlyActivity(sinceMs: number): Promise<HourlyActivity[]> {
    // a failed password check: the login form's failure, or a token request refused for bad credentials
    const { rows } = await sql<{ hour: number | string; issued: number | string; refreshed: number | string; failed: number | string }>`
      SELECT (at / 3600000) AS hour,
        SUM(CASE WHEN event = 'token.issued' THEN 1 ELSE 0 END) AS issued,
        SUM(CASE WHEN event = 'token.refreshed' THEN 1 ELSE 0 END) AS refreshed,
        SUM(CASE WHEN outcome = 'failure' AND (event = 'user.login' OR detail LIKE '%invalid_credentials') THEN 1 ELSE 0 END) AS failed
      FROM audit_log WHERE at >= ${sinceMs} GROUP BY (at / 3600000) ORDER BY 1`.execute(this.db);
    return rows.map((r) => ({ hour: Number(r.hour) * 3_600_000, issued: Number(r.issued), refreshed: Number(r.refreshed), failedLogins: Number(r.failed) }));
  }

  async search(filter: AuditFilter): Promise<(AuditEntry & { id: number })[]> {
    const { limit, beforeId } = filter;
    let query = this.db.selectFrom('audit_log').selectAll();
    if (beforeId !== undefined) query = query.where('id', '<', beforeId);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.clientId !== undefined) query = unstorable(filter.clientId) ? query.where(sql<boolean>`1 = 0`) : query.where('client_id', '=', filter.clientId);
    if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<', filter.to);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: num(r.id),
      at: num(r.at),
      event: r.event,
      outcome: r.outcome as 'success' | 'failure',
      userId: optNum(r.user_id),
      clientId: r.client_id,
      ip: r.ip,
      endpoint: r.endpoint,
      detail: r.detail,
    }));
  }
}
