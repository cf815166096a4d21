// The SMTP connection behind the outbox: nodemailer over GATEHOUSE_SMTP_URL, with short timeouts
// so a dead server fails an attempt (to be retried) instead of holding the sender for minutes.
import nodemailer from 'nodemailer';
import type { MailSettings } from '../config.js';
import { redactSmtpUrl } from '../config.js';

export interface MailTransport {
  send(mail: { to: string; subject: string; text: string; html?: string | null }): Promise<void>;
  close(): void;
}

export function smtpTransport(settings: MailSettings): MailTransport {
  // the URL's own settings (host, port, credentials, ?query options) win over these defaults
  const transporter = nodemailer.createTransport({
    url: settings.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      await transporter.sendMail({ from: settings.from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}) });
    },
    close: () => transporter.close(),
  };
}

/** An error's message fit for the log and the console: one line, no credentials. */
export function describeSendError(error: unknown, settings: MailSettings): string {
  const message = error instanceof Error ? error.message : String(error);
  const password = (() => {
    try {
      return decodeURIComponent(new URL(settings.smtpUrl).password);
    } catch {
      return '';
    }
  })();
  let line = message.split('\n')[0].replaceAll(settings.smtpUrl, redactSmtpUrl(settings.smtpUrl));
  if (password) line = line.replaceAll(password, '…');
  return line.slice(0, 500);
}
