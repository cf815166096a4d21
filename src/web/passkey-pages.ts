// The passkey markup: the "Log in with a passkey" form of the login page and /user/{uid}/passkeys.
// Every text a user reads about passkeys is in PASSKEY_TEXT. The forms start hidden and
// /assets/passkeys.js shows them where the browser can do WebAuthn; it runs the ceremony and
// submits the form with the authenticator's answer in `credential`.
import type { WebAuthnCredentialRow } from '../store/store.js';
import { CSRF_FIELD } from './csrf.js';
import { html, type Html } from './html.js';
import type { PageView } from './page-view.js';
import { layout } from './pages.js';

export const PASSKEY_TEXT = {
  title: 'Passkeys',
  intro: 'A passkey logs you in with your device’s screen lock or a security key instead of a password.',
  loginButton: 'Log in with a passkey',
  addHeading: 'Add a passkey',
  nameLabel: 'Name',
  nameHint: 'So you can tell your passkeys apart, for example “Work laptop”.',
  defaultName: 'Passkey',
  addButton: 'Add a passkey',
  rename: 'Rename',
  remove: 'Remove',
  none: 'You have no passkey yet.',
  synced: 'synced between your devices',
  deviceBound: 'on one device',
  created: 'added',
  lastUsed: 'last used',
  neverUsed: 'never used',
  unsupported: 'This browser cannot use passkeys.',
  ceremonyFailed: 'The passkey could not be used. Try again, or use another one.',
  added: 'Passkey added.',
  renamed: 'Passkey renamed.',
  removed: 'Passkey removed.',
  notFound: 'You have no passkey with that id.',
  notFoundTitle: 'Not found',
  noSuchUser: 'There is no such user page.',
  loginRequired: 'Log in first.',
  forbidden: 'You can only manage your own passkeys.',
  forbiddenTitle: 'Access denied',
  formExpired: 'The form has expired or did not come from this site. Please try again.',
  badName: 'A name is at most 60 characters, without control characters.',
  failures: {
    challenge: 'The passkey request expired or was already used. Please try again.',
    malformed: 'The browser sent no usable passkey answer. Please try again.',
    unknown_credential: 'This passkey is not registered here. Log in another way, then add it on your passkeys page.',
    other_user: 'This passkey belongs to another account.',
    rejected: 'The passkey could not be verified. Please try again.',
    replayed: 'This passkey answer was already used. Please try again.',
    already_registered: 'This passkey is already registered.',
    user_blocked: 'This account is blocked.',
  },
} as const;

/** The scripts of a page with a passkey form: the WebAuthn library, then ours; same origin, no inline code. */
const scripts = html`<script src="/assets/webauthn-browser.js" defer></script>
<script src="/assets/passkeys.js" defer></script>`;

/** The hidden parts every passkey form shares. */
function ceremonyFields(csrf: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
  <input type="hidden" name="credential" value="">
  <p class="error" role="alert" data-passkey-error hidden></p>`;
}

/** Below the password form: discoverable-credential login, shown where the browser supports it. */
export function passkeyLoginForm(options: { csrf: string; destination: string }): Html {
  return html`<form method="post" action="/user/login/passkey" data-passkey="login" data-options="/user/login/passkey/options" data-failed="${PASSKEY_TEXT.ceremonyFailed}" hidden>
  ${ceremonyFields(options.csrf)}
  <input type="hidden" name="destination" value="${options.destination}">
  <button type="submit" class="secondary">${PASSKEY_TEXT.loginButton}</button>
</form>
${scripts}`;
}

const day = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);

function passkeyRow(uid: number, csrf: string, passkey: WebAuthnCredentialRow): Html {
  const base = `/user/${uid}/passkeys/${encodeURIComponent(passkey.id)}`;
  return html`<tr><td><strong>${passkey.name}</strong><br><span class="muted">${passkey.deviceType === 'multiDevice' ? PASSKEY_TEXT.synced : PASSKEY_TEXT.deviceBound}
 · ${PASSKEY_TEXT.created} ${day(passkey.createdAt)} · ${passkey.lastUsedAt === null ? PASSKEY_TEXT.neverUsed : html`${PASSKEY_TEXT.lastUsed} ${day(passkey.lastUsedAt)}`}</span>
<form method="post" action="${base}/rename" class="inline-rename"><input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<label for="rename-${passkey.id}" class="muted">${PASSKEY_TEXT.nameLabel}</label>
<input type="text" id="rename-${passkey.id}" name="name" maxlength="60" required value="${passkey.name}">
<button type="submit" class="secondary" aria-label="${PASSKEY_TEXT.rename} ${passkey.name}">${PASSKEY_TEXT.rename}</button></form></td>
<td><form method="post" action="${base}/delete"><input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><button type="submit" class="danger" aria-label="${PASSKEY_TEXT.remove} ${passkey.name}">${PASSKEY_TEXT.remove}</button></form></td></tr>`;
}

export function passkeysPage(options: {
  uid: number;
  userName: string;
  csrf: string;
  passkeys: WebAuthnCredentialRow[];
  notice?: string;
  error?: string;
  name?: string;
}): PageView {
  const { uid, csrf } = options;
  return layout(
    PASSKEY_TEXT.title,
    html`<h1>${PASSKEY_TEXT.title}</h1>
<p class="muted">Signed in as <strong>${options.userName}</strong>.</p>
<p>${PASSKEY_TEXT.intro}</p>
${options.notice ? html`<p role="status">${options.notice}</p>` : ''}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
${
  options.passkeys.length === 0
    ? html`<p>${PASSKEY_TEXT.none}</p>`
    : html`<table><tbody>
${options.passkeys.map((passkey) => passkeyRow(uid, csrf, passkey))}
</tbody></table>`
}
<h2>${PASSKEY_TEXT.addHeading}</h2>
<p class="muted" data-passkey-unsupported hidden>${PASSKEY_TEXT.unsupported}</p>
<form method="post" action="/user/${uid}/passkeys" data-passkey="register" data-options="/user/${uid}/passkeys/options" data-failed="${PASSKEY_TEXT.ceremonyFailed}" hidden>
  ${ceremonyFields(csrf)}
  <label for="edit-passkey-name">${PASSKEY_TEXT.nameLabel}</label>
  <p class="muted" id="passkey-name-hint">${PASSKEY_TEXT.nameHint}</p>
  <input type="text" id="edit-passkey-name" name="name" maxlength="60" aria-describedby="passkey-name-hint" value="${options.name ?? ''}">
  <button type="submit">${PASSKEY_TEXT.addButton}</button>
</form>
${scripts}`,
  );
}
