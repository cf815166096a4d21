// The audit log: who did what, when, from where; never a secret.

export interface AuditEntry {
  /** ms since the epoch */
  at: number;
  event: string;
  outcome: 'success' | 'failure';
  userId: number | null;
  clientId: string | null;
  ip: string | null;
  endpoint: string | null;
  /** short, non-secret detail (an error code, a grant type) */
  detail: string | null;
}

export interface AuditRepository {
  append(entries: AuditEntry[]): Promise<void>;
  /** newest first; `beforeId` pages further back */
  tail(limit: number, beforeId?: number): Promise<(AuditEntry & { id: number })[]>;
  /** newest first, filtered; `beforeId` pages further back */
  search(filter: AuditFilter): Promise<(AuditEntry & { id: number })[]>;
  /** per hour since `sinceMs`: tokens issued, refreshes and failed password checks */
  hourlyActivity(sinceMs: number): Promise<HourlyActivity[]>;
}

export interface HourlyActivity {
  /** start of the hour, ms since the epoch */
  hour: number;
  issued: number;
  refreshed: number;
  failedLogins: number;
}

export interface AuditFilter {
  userId?: number;
  clientId?: string;
  outcome?: 'success' | 'failure';
  /** ms since the epoch, inclusive */
  from?: number;
  /** ms since the epoch, exclusive */
  to?: number;
  limit: number;
  beforeId?: number;
}
