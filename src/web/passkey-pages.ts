// The passkey pages: /user/{uid}/passkeys (templates/passkeys.liquid) and, on the login page,
// "Log in with a passkey" (templates/passkey_login.liquid, included by login.liquid). Texts:
// messages/*.json, `passkeys.*`; routes choose which by key. The forms start hidden and
// /assets/passkeys.js shows them where the browser can do WebAuthn; it runs the ceremony and
// submits the form with the authenticator's answer in `credential`.
import type { PasskeyFailureReason } from '../accounts/passkeys/passkey-failure.js';
import type { WebAuthnCredentialRow } from '../store/store.js';
import type { PageView, Text } from './page-view.js';

/** The notices a redirect after a successful form asks for (`?done=`), each a catalog key. */
export const PASSKEY_NOTICES: Record<string, string> = {
  added: 'passkeys.notice.added',
  renamed: 'passkeys.notice.renamed',
  removed: 'passkeys.notice.removed',
};

/** The catalog key of a refused ceremony's text, on the login page and the passkeys page. */
export const passkeyFailureText = (reason: PasskeyFailureReason): string => `passkeys.failure.${reason}`;

const day = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);

export function passkeysPage(options: {
  uid: number;
  userName: string;
  csrf: string;
  passkeys: WebAuthnCredentialRow[];
  notice?: Text;
  error?: Text;
  name?: string;
  /** the user's stored language */
  language?: string | null;
}): PageView {
  const { uid } = options;
  return {
    template: 'passkeys',
    language: options.language,
    data: {
      uid,
      user_name: options.userName,
      csrf: options.csrf,
      notice: options.notice,
      error: options.error,
      name: options.name ?? '',
      passkeys: options.passkeys.map((passkey) => ({
        id: passkey.id,
        base: `/user/${uid}/passkeys/${encodeURIComponent(passkey.id)}`,
        name: passkey.name,
        synced: passkey.deviceType === 'multiDevice',
        added_on: day(passkey.createdAt),
        last_used_on: passkey.lastUsedAt === null ? null : day(passkey.lastUsedAt),
      })),
    },
  };
}
