// Sends the outbox: every `pollMs` (and at once when a mail is queued here) it claims each due
// mail with one conditional UPDATE — so two instances never send one mail twice — and sends it.
// A failed attempt is retried with exponential backoff (30 s doubling, at most an hour apart) and
// given up after MAX_ATTEMPTS; failures are logged without secrets and listed in the console.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import type { MailSettings } from '../config.js';
import type { MailOutboxRepository, OutboxMail } from '../store/store.js';
import { describeSendError, type MailTransport } from './smtp-transport.js';

export const MAX_ATTEMPTS = 20;
const FIRST_RETRY = 30;
const LONGEST_RETRY = 3600;
/** seconds a claimed mail is held by its sender before another may try (longer than every SMTP timeout) */
export const CLAIM_LEASE = 120;
const BATCH = 20;

/** Seconds before the next attempt after `attempts` failed ones. */
export function retryDelay(attempts: number): number {
  return Math.min(LONGEST_RETRY, FIRST_RETRY * 2 ** Math.max(0, attempts - 1));
}

export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly transport: MailTransport,
    private readonly settings: MailSettings,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.settings.pollMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.transport.close();
  }

  /** Looks at the outbox now (a mail was queued); a look already running looks once more after. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sendDue()
      .catch((error: unknown) => this.log.warn({ err: error }, 'reading the mail outbox failed; trying again later'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Sends every mail due now; resolves when done (tests and shutdown wait on it). */
  async sendDue(): Promise<void> {
    for (;;) {
      const due = await this.outbox.due(nowSeconds(this.clock), BATCH);
      for (const mail of due) {
        if (this.stopped) return;
        await this.sendOne(mail);
      }
      if (due.length < BATCH) return;
    }
  }

  private async sendOne(mail: OutboxMail): Promise<void> {
    const now = nowSeconds(this.clock);
    if (mail.nextAttemptAt === null || !(await this.outbox.claim(mail.id, mail.nextAttemptAt, now + CLAIM_LEASE))) return;
    const attempts = mail.attempts + 1;
    try {
      await this.transport.send(mail);
    } catch (error) {
      const reason = describeSendError(error, this.settings);
      const retryAt = attempts >= MAX_ATTEMPTS ? null : nowSeconds(this.clock) + retryDelay(attempts);
      await this.outbox.markFailed(mail.id, reason, retryAt);
      // the recipient is personal data but no secret; the body (a one-time link) is never logged
      this.log.warn(
        { mailId: mail.id, attempts, retryAt, reason },
        retryAt === null ? 'mail given up after repeated failures' : 'sending a mail failed; will retry',
      );
      return;
    }
    await this.outbox.markSent(mail.id, nowSeconds(this.clock));
    this.log.info({ mailId: mail.id, attempts }, 'mail sent');
  }
}
