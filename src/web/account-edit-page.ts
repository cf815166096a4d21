// The self-service account page /user/{uid}/edit (issue 13 part 5): change password, change
// e-mail address (confirmed by a mailed link), a link to the second factors, the applications
// approved (as /user/apps lists them) and "log out everywhere" — templates/account_edit.liquid,
// and the mailed link's page, templates/mail_change_confirm.liquid. Texts: messages/*.json,
// `account.*`; the routes choose which by key.
import { PASSWORD_MIN_LENGTH } from '../domain/password-rule.js';
import type { PageView, Text } from './page-view.js';
import type { ApprovedApp } from './pages.js';

/** The notices a redirect after a successful form asks for (`?done=`), each a catalog key. */
export const ACCOUNT_NOTICES = {
  password: 'account.notice.password',
  mail: 'account.notice.mail',
  mailchanged: 'account.notice.mailchanged',
  revoked: 'account.notice.revoked',
} as const;

export type AccountNotice = keyof typeof ACCOUNT_NOTICES;

/** A field's error (or the form's), shown beside it: a catalog key, a message or plain text. */
export type AccountErrors = Partial<Record<'form' | 'current_pass' | 'pass' | 'mail_current_pass' | 'mail', Text>>;

export function accountEditPage(o: {
  uid: number;
  name: string;
  mail: string | null;
  mailVerified: boolean;
  mailAvailable: boolean;
  apps: ApprovedApp[];
  csrf: string;
  errors?: AccountErrors;
  newMail?: string;
  notice?: AccountNotice;
  /** the user's stored language */
  language?: string | null;
}): PageView {
  return {
    template: 'account_edit',
    language: o.language,
    data: {
      uid: o.uid,
      base: `/user/${o.uid}/edit`,
      name: o.name,
      mail: o.mail,
      mail_verified: o.mailVerified,
      mail_available: o.mailAvailable,
      new_mail: o.newMail ?? '',
      csrf: o.csrf,
      errors: o.errors ?? {},
      notice: o.notice ? ACCOUNT_NOTICES[o.notice] : undefined,
      password_min_length: PASSWORD_MIN_LENGTH,
      apps: o.apps.map((app) => ({
        client_id: app.clientId,
        label: app.label,
        access: app.scopes.join(', ') || '—',
        granted_on: new Date(app.grantedAt * 1000).toISOString().slice(0, 10),
      })),
    },
  };
}

/** The page a mailed mail-change link opens: a GET shows it, only its POST changes the address. */
export function confirmMailChangePage(o: { csrf: string; token: string; name: string; mail: string; language?: string | null }): PageView {
  return { template: 'mail_change_confirm', language: o.language, data: { csrf: o.csrf, token: o.token, name: o.name, mail: o.mail } };
}
