// The passkey's part of the login's second step (/user/login/second-factor): a button that runs
// an assertion with one of the user's own passkeys and submits it as `method=passkey`. It starts
// hidden, as every passkey form does; /assets/passkeys.js shows it where the browser can do
// WebAuthn, asks the form's data-options URL for the options (the challenge bound to this pending
// login) and puts the authenticator's answer in `credential`. Every text a user reads of it is
// here; the page needs the own-scripts CSP (sendPage's `ownScripts`).
import { PASSKEY_FACTOR_ID } from '../accounts/second-factors/passkey-factor.js';
import { CSRF_FIELD } from './csrf.js';
import { html, type Html } from './html.js';
import { SECOND_FACTOR_PATH } from './login-completion.js';

export const PASSKEY_OPTIONS_PATH = `${SECOND_FACTOR_PATH}/passkey/options`;

export const PASSKEY_SECOND_FACTOR_TEXT = {
  button: 'Use a passkey',
  help: 'Use one of the passkeys you added to this account: your device’s screen lock or a security key.',
  failed: 'The passkey could not be used. Try again, or use another way.',
  refused: 'That passkey was not accepted. Use one of the passkeys of this account, or another way.',
  expired: 'The passkey request expired or was already used. Please try again.',
  noLogin: 'Your login has expired or was finished. Please log in again.',
} as const;

export function passkeySecondFactorForm(options: { csrf: string }): Html {
  const T = PASSKEY_SECOND_FACTOR_TEXT;
  return html`<form method="post" action="${SECOND_FACTOR_PATH}" data-passkey="second_factor" data-options="${PASSKEY_OPTIONS_PATH}" data-failed="${T.failed}" hidden>
  <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
  <input type="hidden" name="method" value="${PASSKEY_FACTOR_ID}">
  <input type="hidden" name="credential" value="">
  <p class="error" role="alert" data-passkey-error hidden></p>
  <p class="muted">${T.help}</p>
  <button type="submit">${T.button}</button>
</form>
<script src="/assets/webauthn-browser.js" defer></script>
<script src="/assets/passkeys.js" defer></script>`;
}
