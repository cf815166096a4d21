// The second-factor pages: the login step (TOTP code, recovery code; a slot for passkeys), TOTP
// enrolment with its QR code, recovery codes shown once, and the account's security page.
// Markup only; every text a user reads is in SECOND_FACTOR_TEXT.
import { CSRF_FIELD } from './csrf.js';
import { html, Html } from './html.js';
import type { PageView } from './page-view.js';
import { layout } from './pages.js';

export const SECOND_FACTOR_TEXT = {
  stepTitle: 'Two-step verification',
  stepIntro: 'Your password was right. Now prove it is you with your second factor.',
  totpLabel: 'Code from your authenticator app',
  totpHelp: 'Six digits; a new code appears every 30 seconds.',
  recoveryLabel: 'Recovery code',
  recoveryHelp: 'Lost your phone? Use one of the recovery codes you saved. Each works once.',
  verify: 'Verify',
  startOver: 'Start over',
  wrong: 'That code is not right. Check your app or code and try again.',
  reused: 'That code was already used. Wait for the next code in your app.',
  reusedRecovery: 'That recovery code was already used. Each recovery code works once.',
  malformed: 'Enter the code: six digits from your app, or a recovery code like abcde-12345.',
  unknownMethod: 'Choose one of the ways offered on this page.',
  flood: 'There have been too many wrong codes. Try again later.',
  expired: 'Your login has expired or was finished. Please log in again.',
  formExpired: 'The form has expired or did not come from this site. Please try again.',
  enrolTitle: 'Set up two-step verification',
  enrolRequired: 'Your account requires a second factor. Set one up now to finish logging in.',
  enrolIntro: 'Scan this QR code with an authenticator app (FreeOTP, Aegis, Google Authenticator, 1Password…), then enter the code it shows.',
  enrolManual: "Can't scan? Enter this key in the app:",
  enrolUri: 'Or open this link on the device with the app:',
  confirm: 'Confirm',
  codesTitle: 'Your recovery codes',
  codesIntro: 'Save these codes somewhere safe. Each works once in place of a code from your app. They are shown only this once.',
  codesContinue: 'I have saved them — continue',
  codesGone: 'The recovery codes were shown already. Make new ones if you did not save them.',
  securityTitle: 'Security',
  totpActive: 'Authenticator app: on.',
  totpPending: 'Authenticator app: set-up not finished.',
  totpNone: 'Authenticator app: off.',
  required: 'One of your roles requires a second factor.',
  codesLeft: (n: number) => `${n} unused recovery code${n === 1 ? '' : 's'} left.`,
  setUp: 'Set up an authenticator app',
  finishSetUp: 'Finish setting up',
  removeTitle: 'Turn off the authenticator app',
  removeHelp: 'Confirm with your current password, or a code from the app.',
  passwordLabel: 'Current password',
  remove: 'Turn off',
  regenerate: 'Make new recovery codes',
  regenerateHelp: 'Your old recovery codes stop working.',
  passkeys: 'Passkeys',
  passkeyCount: (n: number) =>
    n === 0 ? 'No passkey yet.' : `${n} passkey${n === 1 ? '' : 's'}: each works as your second factor, or to log in without a password.`,
  managePasskeys: 'Manage passkeys',
  notProved: 'Your password or code was not right, so the authenticator app stays on.',
  removed: 'The authenticator app is turned off, and your recovery codes are deleted.',
  enrolled: 'Two-step verification is on.',
  notYours: 'You can only manage the security of your own account.',
} as const;

const error = (message: string | undefined): Html | '' => (message ? html`<p class="error" role="alert">${message}</p>` : '');
const csrfField = (csrf: string): Html => html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;

function totpCodeInput(): Html {
  return html`<input type="text" id="edit-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8" required autofocus aria-describedby="code-help">`;
}

/** The login's second step: one form per kind the user has; `extra` is the passkeys' slot. */
export function secondFactorPage(options: { csrf: string; kinds: readonly string[]; error?: string; extra?: Html }): PageView {
  const T = SECOND_FACTOR_TEXT;
  return layout(
    T.stepTitle,
    html`<h1>${T.stepTitle}</h1>
<p>${T.stepIntro}</p>
${error(options.error)}
${
  options.kinds.includes('totp')
    ? html`<form method="post" action="/user/login/second-factor">
  ${csrfField(options.csrf)}
  <input type="hidden" name="method" value="totp">
  <label for="edit-code">${T.totpLabel}</label>
  ${totpCodeInput()}
  <p class="muted" id="code-help">${T.totpHelp}</p>
  <button type="submit">${T.verify}</button>
</form>`
    : ''
}
${options.extra ?? ''}
${
  options.kinds.includes('recovery_code')
    ? html`<details${options.kinds.includes('totp') ? '' : html` open`}><summary>${T.recoveryLabel}</summary>
<form method="post" action="/user/login/second-factor">
  ${csrfField(options.csrf)}
  <input type="hidden" name="method" value="recovery_code">
  <label for="edit-recovery-code">${T.recoveryLabel}</label>
  <input type="text" id="edit-recovery-code" name="recovery_code" autocomplete="off" autocapitalize="none" spellcheck="false" required aria-describedby="recovery-help">
  <p class="muted" id="recovery-help">${T.recoveryHelp}</p>
  <button type="submit" class="secondary">${T.verify}</button>
</form></details>`
    : ''
}
<p><a href="/user/login">${T.startOver}</a></p>`,
  );
}

export interface EnrolmentView {
  uri: string;
  /** the QR code's SVG markup, made by the qrcode library from our own URI */
  svg: string;
  secret: string;
}

/** TOTP enrolment: the QR code, the key and URI, and the first code that confirms it. */
export function totpEnrolmentPage(options: { csrf: string; action: string; enrolment: EnrolmentView; required?: boolean; error?: string }): PageView {
  const T = SECOND_FACTOR_TEXT;
  const { enrolment } = options;
  return layout(
    T.enrolTitle,
    html`<h1>${T.enrolTitle}</h1>
${options.required ? html`<p role="note"><strong>${T.enrolRequired}</strong></p>` : ''}
<p>${T.enrolIntro}</p>
<div class="qr" role="img" aria-label="QR code of the authenticator link">${new Html(enrolment.svg)}</div>
<p class="muted">${T.enrolManual} <code class="secret" id="totp-secret">${enrolment.secret}</code></p>
<p class="muted">${T.enrolUri} <a href="${enrolment.uri}" id="totp-uri">${enrolment.uri}</a></p>
${error(options.error)}
<form method="post" action="${options.action}">
  ${csrfField(options.csrf)}
  <label for="edit-code">${T.totpLabel}</label>
  ${totpCodeInput()}
  <p class="muted" id="code-help">${T.totpHelp}</p>
  <button type="submit">${T.confirm}</button>
</form>`,
  );
}

export function recoveryCodesPage(options: { codes: readonly string[]; continueHref: string }): PageView {
  const T = SECOND_FACTOR_TEXT;
  return layout(
    T.codesTitle,
    html`<h1>${T.codesTitle}</h1>
<p>${T.codesIntro}</p>
<ul class="codes" id="recovery-codes">${options.codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
<p><a class="button" href="${options.continueHref}">${T.codesContinue}</a></p>`,
  );
}

export interface SecurityView {
  uid: number;
  userName: string;
  csrf: string;
  totp: 'none' | 'pending' | 'active';
  recoveryCodesLeft: number;
  mfaRequired: boolean;
  notice?: string;
  error?: string;
  /** the passkeys page's link */
  passkeysHref?: string;
  /** how many passkeys the user has */
  passkeyCount?: number;
}

/** /user/{uid}/security: the account's second factors. */
export function securityPage(view: SecurityView): PageView {
  const T = SECOND_FACTOR_TEXT;
  const base = `/user/${view.uid}/security`;
  return layout(
    T.securityTitle,
    html`<h1>${T.securityTitle}</h1>
<p class="muted">Signed in as <strong>${view.userName}</strong>.</p>
${view.notice ? html`<p role="status">${view.notice}</p>` : ''}
${error(view.error)}
${view.mfaRequired ? html`<p role="note">${T.required}</p>` : ''}
<h2>Authenticator app</h2>
<p id="totp-status">${view.totp === 'active' ? T.totpActive : view.totp === 'pending' ? T.totpPending : T.totpNone}</p>
${
  view.totp === 'active'
    ? html`<p>${T.codesLeft(view.recoveryCodesLeft)}</p>
<form method="post" action="${base}/recovery-codes">${csrfField(view.csrf)}<p class="muted">${T.regenerateHelp}</p><button type="submit" class="secondary">${T.regenerate}</button></form>
<h3>${T.removeTitle}</h3>
<form method="post" action="${base}/totp/remove">
  ${csrfField(view.csrf)}
  <p class="muted">${T.removeHelp}</p>
  <label for="edit-current-pass">${T.passwordLabel}</label>
  <input type="password" id="edit-current-pass" name="current_pass" autocomplete="current-password">
  <label for="edit-remove-code">${T.totpLabel}</label>
  <input type="text" id="edit-remove-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8">
  <button type="submit" class="danger">${T.remove}</button>
</form>`
    : html`<form method="post" action="${base}/totp">${csrfField(view.csrf)}<button type="submit">${view.totp === 'pending' ? T.finishSetUp : T.setUp}</button></form>`
}
<h2>${T.passkeys}</h2>
${view.passkeyCount === undefined ? '' : html`<p id="passkey-count">${T.passkeyCount(view.passkeyCount)}</p>`}
${view.passkeysHref ? html`<p><a href="${view.passkeysHref}">${T.managePasskeys}</a></p>` : html`<p class="muted" id="passkeys-slot">—</p>`}`,
  );
}
