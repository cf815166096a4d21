// The durable mail outbox: mails are written here first and sent by a loop (src/mail/), so a mail
// survives a restart or an SMTP outage and is retried.

export interface NewMail {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
}

export interface OutboxMail extends NewMail {
  id: number;
  /** seconds */
  createdAt: number;
  attempts: number;
  /** seconds; null once sent or given up */
  nextAttemptAt: number | null;
  lastError: string | null;
  sentAt: number | null;
}

/** What the console lists: never the body, which may hold a one-time link. */
export type OutboxEntry = Omit<OutboxMail, 'text' | 'html'>;

export interface MailOutboxRepository {
  /** queues a mail, due at once; returns its id */
  enqueue(mail: NewMail, at: number): Promise<number>;
  /** unsent mails due at `at` (next_attempt_at ≤ at), oldest first */
  due(at: number, limit: number): Promise<OutboxMail[]>;
  /**
   * Claims a due mail for one send: one UPDATE whose WHERE holds only while nobody else claimed
   * it (the due time still the one read, not yet sent), moving the due time on to `leaseUntil`
   * and counting the attempt. True for exactly one of any number of concurrent claimers, on
   * every engine and across processes; a claimer that dies leaves it due again after the lease.
   */
  claim(id: number, seenDueAt: number, leaseUntil: number): Promise<boolean>;
  /** sent: the body is dropped (it may hold a one-time link), the entry stays for the console */
  markSent(id: number, at: number): Promise<void>;
  /** this attempt failed: due again at `retryAt`, or given up when null */
  markFailed(id: number, error: string, retryAt: number | null): Promise<void>;
  /** unsent mails (waiting, retrying or given up), newest first */
  listUnsent(limit: number): Promise<OutboxEntry[]>;
  /** counts by state, for the console */
  counts(): Promise<{ pending: number; failed: number; sent: number }>;
}
