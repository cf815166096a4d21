// Deleting what can no longer matter (expired tokens, codes, sessions, old audit entries).

/** Deletes rows that can no longer matter, a bounded batch at a time. */
export interface CleanupRepository {
  /** deletes up to `limit` rows of `what` that expired before `before` (seconds); returns how many */
  deleteExpired(what: ExpiringKind, before: number, limit: number): Promise<number>;
  /** erases up to `limit` sealed refresh-token successors whose reuse interval ended before `before` (seconds) */
  eraseSealedSuccessors(before: number, limit: number): Promise<number>;
}

export type ExpiringKind =
  | 'refresh_tokens'
  | 'reissued_access_tokens'
  | 'authorization_codes'
  | 'revocations'
  | 'sessions'
  | 'flood'
  | 'audit_log'
  | 'device_codes'
  /** one-time tokens past their expiry, used or not */
  | 'user_tokens'
  /** secrets held for one view that nobody came to see */
  | 'shown_once'
  /** logins that waited for a second factor past their few minutes */
  | 'pending_logins'
  /** mails sent before the cutoff (unsent ones, waiting or given up, stay for the console) */
  | 'mail_outbox'
  /** WebAuthn challenges never taken */
  | 'webauthn_challenges';
