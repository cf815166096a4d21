// The passkey's part of the login's second step (/user/login/second-factor): a button that runs
// an assertion with one of the user's own passkeys and submits it as `method=passkey`
// (templates/passkey_second_factor.liquid). It starts hidden, as every passkey form does;
// /assets/passkeys.js shows it where the browser can do WebAuthn, asks the form's data-options URL
// for the options (the challenge bound to this pending login) and puts the authenticator's answer
// in `credential`. The refusals below are English for the JSON answers; on the page the catalog
// has each word for word (messages/*.json, `second_factor.passkey.*`), so they show translated.
import { SECOND_FACTOR_PATH } from './login-completion.js';

export const PASSKEY_OPTIONS_PATH = `${SECOND_FACTOR_PATH}/passkey/options`;

export const PASSKEY_SECOND_FACTOR_TEXT = {
  refused: 'That passkey was not accepted. Use one of the passkeys of this account, or another way.',
  expired: 'The passkey request expired or was already used. Please try again.',
  noLogin: 'Your login has expired or was finished. Please log in again.',
} as const;
