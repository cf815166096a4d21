// The texts of the mails Gatehouse sends (Drupal's user mail templates, shortened), from the
// message catalog (mail.* in messages/<lang>.json, a theme may override them) in the account's
// language. A link is the only secret in them; mails are plain text.
import type { MessageCatalog } from '../i18n/message-catalog.js';
import type { NewMail } from '../store/store.js';

interface MailOptions {
  messages: MessageCatalog;
  /** the account's language (unknown ones fall back to English) */
  language: string;
  to: string;
  name: string;
  site: string;
  url: string;
}

export function verificationMail(options: MailOptions & { approval: boolean; setPassword: boolean }): NewMail {
  const { messages, language } = options;
  const next = messages.text(
    language,
    options.approval ? 'mail.verify.next.approval' : options.setPassword ? 'mail.verify.next.set_password' : 'mail.verify.next.login',
  );
  const values = { name: options.name, site: options.site, url: options.url, next };
  return { to: options.to, subject: messages.text(language, 'mail.verify.subject', values), text: messages.text(language, 'mail.verify.body', values) };
}

export function resetMail(options: MailOptions): NewMail {
  const { messages, language } = options;
  const values = { name: options.name, site: options.site, url: options.url };
  return { to: options.to, subject: messages.text(language, 'mail.reset.subject', values), text: messages.text(language, 'mail.reset.body', values) };
}

/** To the new address: the link that makes it the account's. */
export function mailChangeMail(options: MailOptions): NewMail {
  const { messages, language } = options;
  const values = { name: options.name, site: options.site, url: options.url };
  return { to: options.to, subject: messages.text(language, 'mail.change.subject', values), text: messages.text(language, 'mail.change.body', values) };
}

/** To the old address: someone logged in as the user asked to move the account elsewhere. */
export function mailChangedNoticeMail(options: Omit<MailOptions, 'url'> & { newMail: string }): NewMail {
  const { messages, language } = options;
  const values = { name: options.name, site: options.site, new_mail: options.newMail };
  return {
    to: options.to,
    subject: messages.text(language, 'mail.change_notice.subject', values),
    text: messages.text(language, 'mail.change_notice.body', values),
  };
}
