// The mail outbox (table mail_outbox). claim() is one conditional UPDATE: atomic on every engine.
import type { Kysely, Selectable } from 'kysely';
import type { MailOutboxTable, Database } from '../schema.js';
import type { MailOutboxRepository, NewMail, OutboxEntry, OutboxMail } from '../repositories/mail-outbox.js';
import { num, optNum } from './columns.js';

function toEntry(r: Omit<Selectable<MailOutboxTable>, 'text' | 'html'>): OutboxEntry {
  return {
    id: num(r.id),
    to: r.recipient,
    subject: r.subject,
    createdAt: num(r.created_at),
    attempts: num(r.attempts),
    nextAttemptAt: optNum(r.next_attempt_at),
    lastError: r.last_error,
    sentAt: optNum(r.sent_at),
  };
}

export class SqlMailOutbox implements MailOutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(mail: NewMail, at: number): Promise<number> {
    const row = await this.db
      .insertInto('mail_outbox')
      .values({ recipient: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? null, created_at: at, attempts: 0, next_attempt_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return num(row.id);
  }

  async due(at: number, limit: number): Promise<OutboxMail[]> {
    const rows = await this.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('sent_at', 'is', null)
      .where('next_attempt_at', '<=', at)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...toEntry(r), text: r.text, html: r.html }));
  }

  async claim(id: number, seenDueAt: number, leaseUntil: number): Promise<boolean> {
    const result = await this.db
      .updateTable('mail_outbox')
      .set((eb) => ({ next_attempt_at: leaseUntil, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .where('next_attempt_at', '=', seenDueAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markSent(id: number, at: number): Promise<void> {
    await this.db.updateTable('mail_outbox').set({ sent_at: at, next_attempt_at: null, last_error: null, text: '', html: null }).where('id', '=', id).execute();
  }

  async markFailed(id: number, error: string, retryAt: number | null): Promise<void> {
    await this.db
      .updateTable('mail_outbox')
      // given up: the body (a one-time link) is dropped as it would be once sent
      .set(
        retryAt === null
          ? { last_error: error.slice(0, 500), next_attempt_at: null, text: '', html: null }
          : { last_error: error.slice(0, 500), next_attempt_at: retryAt },
      )
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .execute();
  }

  async listUnsent(limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db
      .selectFrom('mail_outbox')
      .select(['id', 'recipient', 'subject', 'created_at', 'attempts', 'next_attempt_at', 'last_error', 'sent_at'])
      .where('sent_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }

  async counts(): Promise<{ pending: number; failed: number; sent: number }> {
    const rows = await this.db
      .selectFrom('mail_outbox')
      .select((eb) => [eb.fn.countAll().as('all'), eb.fn.count('sent_at').as('sent'), eb.fn.count('next_attempt_at').as('pending')])
      .executeTakeFirstOrThrow();
    const all = Number(rows.all);
    const sent = Number(rows.sent);
    const pending = Number(rows.pending);
    return { pending, sent, failed: all - sent - pending };
  }
}
