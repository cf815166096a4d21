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

export function mailChangeMail(options: { to: string; name: string; site: string; url: string }): NewMail {
  return {
    to: options.to,
    subject: `Confirm your new e-mail address at ${options.site}`,
    text: `${options.name},

A request to use this address for your account at ${options.site} has been made. To confirm it, open this link in your browser:

${options.url}

The address of your account changes only when you do. This link can be used once and expires after one day. If you did not ask for this, ignore this mail.

-- ${options.site}
`,
  };
}

/** To the old address: someone logged in as the user asked to move the account elsewhere. */
export function mailChangedNoticeMail(options: { to: string; name: string; site: string; newMail: string }): NewMail {
  return {
    to: options.to,
    subject: `E-mail address change requested at ${options.site}`,
    text: `${options.name},

A request to change the e-mail address of your account at ${options.site} to ${options.newMail} has been made. It takes effect only once the link sent to that address is used.

If you did not ask for this, log in, change your password and choose "Log out everywhere" on your account page.

-- ${options.site}
`,
  };
}
