// The second-factor pages: the login step (TOTP code, recovery code; a slot for passkeys), TOTP
// enrolment with its QR code, recovery codes shown once, and the account's security page —
// templates/second_factor.liquid, totp_enrolment.liquid, recovery_codes.liquid and
// security.liquid. Texts: messages/*.json, `second_factor.*` and `security.*`; routes choose
// which by key (SECOND_FACTOR_MESSAGES).
import type { PageView, Text } from './page-view.js';

/** The catalog keys of what the routes say. */
export const SECOND_FACTOR_MESSAGES = {
  stepTitle: 'second_factor.title',
  wrong: 'second_factor.error.wrong',
  reused: 'second_factor.error.reused',
  reusedRecovery: 'second_factor.error.reused_recovery',
  malformed: 'second_factor.error.malformed',
  unknownMethod: 'second_factor.error.unknown_method',
  flood: 'second_factor.error.flood',
  expired: 'second_factor.error.expired',
  formExpired: 'form.expired',
  codesGone: 'second_factor.codes.gone',
  notProved: 'security.error.not_proved',
  removed: 'security.notice.removed',
  enrolled: 'security.notice.enrolled',
  notYours: 'security.error.not_yours',
} as const;

/**
 * The login's second step: one form per kind the user has. The passkey's form
 * (templates/passkey_second_factor.liquid) runs this server's scripts: send it with `ownScripts`.
 */
export function secondFactorPage(options: { csrf: string; kinds: readonly string[]; error?: Text; language?: string | null }): PageView {
  return {
    template: 'second_factor',
    language: options.language,
    data: {
      csrf: options.csrf,
      totp: options.kinds.includes('totp'),
      recovery_code: options.kinds.includes('recovery_code'),
      passkey: options.kinds.includes('passkey'),
      error: options.error,
    },
  };
}

export interface EnrolmentView {
  uri: string;
  /** the QR code's SVG markup, made by the qrcode library from our own URI */
  svg: string;
  secret: string;
}

/** TOTP enrolment: the QR code, the key and URI, and the first code that confirms it. */
export function totpEnrolmentPage(options: {
  csrf: string;
  action: string;
  enrolment: EnrolmentView;
  required?: boolean;
  error?: Text;
  language?: string | null;
}): PageView {
  const { enrolment } = options;
  return {
    template: 'totp_enrolment',
    language: options.language,
    data: {
      csrf: options.csrf,
      action: options.action,
      // markup the qrcode library made from our own URI, the only value a template outputs raw here
      qr_svg: enrolment.svg,
      secret: enrolment.secret,
      uri: enrolment.uri,
      required: options.required === true,
      error: options.error,
    },
  };
}

export function recoveryCodesPage(options: { codes: readonly string[]; continueHref: string; language?: string | null }): PageView {
  return { template: 'recovery_codes', language: options.language, data: { codes: options.codes, continue_href: options.continueHref } };
}

export interface SecurityView {
  uid: number;
  userName: string;
  csrf: string;
  totp: 'none' | 'pending' | 'active';
  recoveryCodesLeft: number;
  mfaRequired: boolean;
  notice?: Text;
  error?: Text;
  /** the passkeys page's link */
  passkeysHref?: string;
  /** how many passkeys the user has */
  passkeyCount?: number;
  language?: string | null;
}

/** /user/{uid}/security: the account's second factors. */
export function securityPage(view: SecurityView): PageView {
  return {
    template: 'security',
    language: view.language,
    data: {
      base: `/user/${view.uid}/security`,
      user_name: view.userName,
      csrf: view.csrf,
      totp: view.totp,
      recovery_codes_left: view.recoveryCodesLeft,
      mfa_required: view.mfaRequired,
      notice: view.notice,
      error: view.error,
      passkeys_href: view.passkeysHref,
      passkey_count: view.passkeyCount ?? 0,
    },
  };
}
