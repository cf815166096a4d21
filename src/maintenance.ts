// Background upkeep of one instance: signing-key rotation on schedule, and deleting rows that
// can no longer matter in bounded batches, with counts in the log.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from './clock.js';
import { nowSeconds } from './clock.js';
import type { Config } from './config.js';
import { revokeClientTokens } from './oauth/revocation.js';
import { maintainSigningKeys } from './oauth/signing-keys.js';
import type { ExpiringKind, Store } from './store/store.js';

const BATCH = 1000;
/** at most this many batches per table per run, so one run never holds the database for long */
const MAX_BATCHES = 20;
/** a used code is kept a day past expiry, so a late replay still revokes what it issued */
const CODE_GRACE = 86_400;

export class Maintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly log: Pick<FastifyBaseLogger, 'info' | 'warn'>,
    private readonly onKeysChanged: () => Promise<void>,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.run(), this.config.cleanupInterval * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass of key upkeep and cleanup (also what the timer runs). */
  run(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      const keyEvents = await maintainSigningKeys(this.store, this.config.secret, this.clock, this.config.keyRotation);
      if (keyEvents.length) {
        this.log.info({ keys: keyEvents }, 'signing keys maintained');
        await this.onKeysChanged();
      }
      const deleted = await this.cleanup();
      if (Object.keys(deleted).length) this.log.info({ deleted }, 'expired rows deleted');
    } catch (error) {
      this.log.warn({ err: error }, 'maintenance failed; will retry');
    }
  }

  /** Deletes expired rows table by table; returns the counts of what it deleted. */
  async cleanup(): Promise<Partial<Record<ExpiringKind | 'sealed_successors' | 'registered_clients', number>>> {
    const now = nowSeconds(this.clock);
    const cutoffs: Record<ExpiringKind, number> = {
      refresh_tokens: now,
      reissued_access_tokens: now,
      authorization_codes: now - CODE_GRACE,
      revocations: now,
      sessions: now,
      flood: now,
      audit_log: now - this.config.auditRetentionDays * 86_400,
      device_codes: now - CODE_GRACE,
      user_tokens: now,
      shown_once: now,
      pending_logins: now,
      // a sent mail's entry (its body is gone already) is kept a week for the console's counts
      mail_outbox: now - 7 * 86_400,
      webauthn_challenges: now,
    };
    const deleted: Partial<Record<ExpiringKind | 'sealed_successors' | 'registered_clients', number>> = {};
    for (const [kind, before] of Object.entries(cutoffs) as [ExpiringKind, number][]) {
      let total = 0;
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        const n = await this.store.cleanup.deleteExpired(kind, before, BATCH);
        total += n;
        if (n < BATCH) break;
      }
      if (total) deleted[kind] = total;
    }
    // a spent refresh token keeps its successor sealed only through its reuse interval
    let erased = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const n = await this.store.cleanup.eraseSealedSuccessors(now, BATCH);
      erased += n;
      if (n < BATCH) break;
    }
    if (erased) deleted.sealed_successors = erased;
    const clients = await this.expireRegisteredClients(now);
    if (clients) deleted.registered_clients = clients;
    return deleted;
  }

  /** Registered clients (RFC 7591) past the policy's clientLifetimeDays are deleted, their tokens revoked. */
  private async expireRegisteredClients(now: number): Promise<number> {
    const expired = await this.store.registrations.expired(now, BATCH);
    for (const clientId of expired) {
      await this.store.transaction(async (tx) => {
        await revokeClientTokens(tx, this.clock, clientId);
        await tx.clients.delete(clientId);
        await tx.registrations.delete(clientId);
      });
    }
    return expired.length;
  }
}
