// What the features that send mail (registration, password reset) see: whether mail can be sent
// at all, and a durable queue. Without GATEHOUSE_SMTP_URL nothing is queued and the features say
// so (docs: README "Mail").
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import type { MailOutboxRepository, NewMail } from '../store/store.js';

export class MailUnavailable extends Error {
  constructor() {
    super('Mail is not configured (GATEHOUSE_SMTP_URL)');
  }
}

export interface Mailer {
  /** false without GATEHOUSE_SMTP_URL: then queue() refuses */
  readonly available: boolean;
  /** writes the mail to the outbox (in `outbox`, a transaction's, when given) and wakes the sender */
  queue(mail: NewMail, outbox?: MailOutboxRepository): Promise<void>;
}

export function outboxMailer(options: { outbox: MailOutboxRepository; clock: Clock; available: boolean; wake(): void }): Mailer {
  return {
    available: options.available,
    async queue(mail, outbox = options.outbox) {
      if (!options.available) throw new MailUnavailable();
      await outbox.enqueue(mail, nowSeconds(options.clock));
      // inside a transaction the row is not visible yet: the poll (or the next wake) finds it
      setImmediate(() => options.wake());
    },
  };
}
