// The self-service account page /user/{uid}/edit (issue 13 part 5): change password, change
// e-mail address (confirmed by a mailed link), a link to the second factors, the applications
// approved (as /user/apps lists them) and "log out everywhere". Markup only; every text a user
// reads is in ACCOUNT_TEXT, so the page can move to templates in one piece.
import { PASSWORD_RULE } from '../domain/password-rule.js';
import { CSRF_FIELD } from './csrf.js';
import { html, type Html } from './html.js';
import type { PageView } from './page-view.js';
import { layout, type ApprovedApp } from './pages.js';

export const ACCOUNT_TEXT = {
  title: 'Your account',
  signedInAs: 'Signed in as',
  passwordHeading: 'Change password',
  currentPassword: 'Current password',
  newPassword: 'New password',
  confirmPassword: 'Confirm new password',
  passwordButton: 'Change password',
  passwordEffect: 'Changing it ends your other sessions and signs you out of every application.',
  mailHeading: 'E-mail address',
  mailCurrent: 'Current address:',
  mailNone: 'none',
  mailVerified: '(confirmed)',
  mailUnverified: '(not confirmed)',
  newMail: 'New e-mail address',
  mailHelp: 'A link is mailed to the new address; the address of your account changes once it is used.',
  mailButton: 'Change e-mail address',
  mailUnavailable: 'Changing your e-mail address is unavailable: this site cannot send mail. Contact the site administrator.',
  factorsHeading: 'Second factors',
  factorsLink: 'Second factors',
  factorsHelp: 'Authenticator apps, passkeys and recovery codes that protect your login.',
  appsHeading: 'Applications you have approved',
  appsNone: 'You have not approved any application.',
  appsApp: 'Application',
  appsAccess: 'Access',
  appsAction: 'Action',
  appsApproved: 'approved',
  appsRevoke: 'Revoke',
  everywhereHeading: 'Log out everywhere',
  everywhereHelp: 'Ends every session of your account, this one included, and signs you out of every application (they ask for your approval again).',
  everywhereButton: 'Log out everywhere',
  formExpired: 'The form has expired or did not come from this site. Please try again.',
  passwordsDiffer: 'The specified passwords do not match.',
  currentPasswordWrong: (what: 'Password' | 'Email') => `Your current password is missing or incorrect; it's required to change the ${what}.`,
  tooManyAttempts: 'There have been too many failed password attempts. Try again later.',
  busy: 'The server is busy. Try again in a moment.',
  tooManyMailChanges: 'Too many e-mail address changes were asked for. Try again later.',
  notices: {
    password: 'Your password has been changed. Your other sessions and applications have been signed out.',
    mail: 'A confirmation link has been sent to the new address. Your address changes once you open it.',
    mailchanged: 'Your e-mail address has been changed.',
    revoked: 'Access revoked.',
  },
  accessDenied: 'You can only see and change your own account.',
  notFound: 'There is no such account page.',
  confirmMailTitle: 'Confirm your new e-mail address',
  confirmMailText: (name: string, mail: string) => `This makes ${mail} the e-mail address of ${name}.`,
  confirmMailButton: 'Confirm',
} as const;

export type AccountNotice = keyof typeof ACCOUNT_TEXT.notices;

export type AccountErrors = Partial<Record<'form' | 'current_pass' | 'pass' | 'mail_current_pass' | 'mail', string>>;

const T = ACCOUNT_TEXT;

function errorOf(errors: AccountErrors, name: keyof AccountErrors): Html | '' {
  return errors[name] ? html`<p class="error" id="${name}-error" role="alert">${errors[name]}</p>` : '';
}

function described(errors: AccountErrors, name: keyof AccountErrors): Html | '' {
  return errors[name] ? html` aria-invalid="true" aria-describedby="${name}-error"` : '';
}

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
}): PageView {
  const errors = o.errors ?? {};
  const csrf = html`<input type="hidden" name="${CSRF_FIELD}" value="${o.csrf}">`;
  const base = `/user/${o.uid}/edit`;
  return layout(
    T.title,
    html`<h1>${T.title}</h1>
<p class="muted">${T.signedInAs} <strong>${o.name}</strong>.</p>
${o.notice ? html`<p class="notice" role="status">${T.notices[o.notice]}</p>` : ''}
${errorOf(errors, 'form')}
<section aria-labelledby="password-heading">
<h2 id="password-heading">${T.passwordHeading}</h2>
<form method="post" action="${base}/password">
  ${csrf}
  <label for="edit-current-pass">${T.currentPassword}</label>
  ${errorOf(errors, 'current_pass')}
  <input type="password" id="edit-current-pass" name="current_pass" autocomplete="current-password" required${described(errors, 'current_pass')}>
  <label for="edit-pass">${T.newPassword}</label>
  <p class="muted" id="pass-rule">${PASSWORD_RULE}</p>
  ${errorOf(errors, 'pass')}
  <input type="password" id="edit-pass" name="pass" autocomplete="new-password" required aria-describedby="pass-rule"${errors.pass ? html` aria-invalid="true"` : ''}>
  <label for="edit-pass-confirm">${T.confirmPassword}</label>
  <input type="password" id="edit-pass-confirm" name="pass_confirm" autocomplete="new-password" required>
  <p class="muted">${T.passwordEffect}</p>
  <button type="submit">${T.passwordButton}</button>
</form>
</section>
<section aria-labelledby="mail-heading">
<h2 id="mail-heading">${T.mailHeading}</h2>
<p>${T.mailCurrent} <strong>${o.mail ?? T.mailNone}</strong> ${o.mail ? (o.mailVerified ? T.mailVerified : T.mailUnverified) : ''}</p>
${
  o.mailAvailable
    ? html`<form method="post" action="${base}/mail">
  ${csrf}
  <label for="edit-mail">${T.newMail}</label>
  ${errorOf(errors, 'mail')}
  <input type="email" id="edit-mail" name="mail" autocomplete="email" required value="${o.newMail ?? ''}"${described(errors, 'mail')}>
  <label for="edit-mail-current-pass">${T.currentPassword}</label>
  ${errorOf(errors, 'mail_current_pass')}
  <input type="password" id="edit-mail-current-pass" name="current_pass" autocomplete="current-password" required${described(errors, 'mail_current_pass')}>
  <p class="muted">${T.mailHelp}</p>
  <button type="submit">${T.mailButton}</button>
</form>`
    : html`<p class="muted" role="note">${T.mailUnavailable}</p>`
}
</section>
<section aria-labelledby="factors-heading">
<h2 id="factors-heading">${T.factorsHeading}</h2>
<p><a href="/user/${o.uid}/security">${T.factorsLink}</a> <span class="muted">— ${T.factorsHelp}</span></p>
</section>
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">${T.appsHeading}</h2>
${
  o.apps.length === 0
    ? html`<p>${T.appsNone}</p>`
    : html`<table><thead><tr><th scope="col">${T.appsApp}</th><th scope="col">${T.appsAccess}</th><th scope="col"><span class="muted">${T.appsAction}</span></th></tr></thead><tbody>
${o.apps.map(
  (
    app,
  ) => html`<tr><td>${app.label}<br><span class="muted">${T.appsApproved} ${new Date(app.grantedAt * 1000).toISOString().slice(0, 10)}</span></td><td>${app.scopes.join(', ') || '—'}</td>
<td><form method="post" action="/user/apps/revoke">${csrf}<input type="hidden" name="client_id" value="${app.clientId}"><input type="hidden" name="back" value="account"><button type="submit" class="danger" aria-label="${T.appsRevoke} ${app.label}">${T.appsRevoke}</button></form></td></tr>`,
)}
</tbody></table>`
}
</section>
<section aria-labelledby="everywhere-heading">
<h2 id="everywhere-heading">${T.everywhereHeading}</h2>
<p>${T.everywhereHelp}</p>
<form method="post" action="${base}/logout-everywhere">
  ${csrf}
  <button type="submit" class="danger">${T.everywhereButton}</button>
</form>
</section>`,
  );
}

/** The page a mailed mail-change link opens: a GET shows it, only its POST changes the address. */
export function confirmMailChangePage(o: { csrf: string; token: string; name: string; mail: string }): PageView {
  return layout(
    T.confirmMailTitle,
    html`<h1>${T.confirmMailTitle}</h1>
<p>${T.confirmMailText(o.name, o.mail)}</p>
<form method="post" action="/user/mail-change/${o.token}">
  <input type="hidden" name="${CSRF_FIELD}" value="${o.csrf}">
  <button type="submit">${T.confirmMailButton}</button>
</form>`,
  );
}
