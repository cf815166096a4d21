// The audit trail: who did what, from where, with what outcome, never a secret. Entries are
// buffered and written in batches so auditing costs the hot path no round trip.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from './clock.js';
import type { AuditEntry, Store } from './store/store.js';

export type AuditEvent = Omit<AuditEntry, 'at'>;

export class AuditLog {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Pick<FastifyBaseLogger, 'error'>,
    private readonly flushMs = 200,
    /** sees each event as it is recorded (metrics) */
    private readonly onRecord: (event: AuditEvent) => void = () => undefined,
  ) {}

  record(event: AuditEvent): void {
    this.onRecord(event);
    (event as AuditEntry).at = this.clock.now();
    this.buffer.push(event as AuditEntry);
    if (this.buffer.length >= 500) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what is buffered; resolves when it (and any earlier flush) is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.audit.append(batch);
      } catch (error) {
        this.log.error({ err: error, lost: batch.length }, 'audit log write failed');
      }
    });
    return this.flushing;
  }
}
