// TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps) with the otpauth library: a new secret, the
// `otpauth://` URI authenticator apps read (as a QR code, drawn as SVG by the qrcode library), and
// the time step a code belongs to. One step either side is accepted (RFC 6238 §5.2: clock drift).
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

export const TOTP_PERIOD = 30;
const DIGITS = 6;
const DRIFT_STEPS = 1;

function totp(secretBase32: string, issuer = 'Gatehouse', label = 'user'): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: DIGITS, period: TOTP_PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/** A new 160-bit secret (RFC 4226 §4's recommended length), base32 as apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/...` URI: `issuer` names the site, `account` the user, in the app's list. */
export function totpUri(secretBase32: string, issuer: string, account: string): string {
  return totp(secretBase32, issuer, account).toString();
}

/** The QR code of `uri` as SVG markup (paths only: no script, no style attribute, fine under the page CSP). */
export function qrCodeSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** Six digits, spaces allowed between them (as apps show "123 456"). */
export function normalizeTotpCode(input: string): string | null {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/** The 30 s time step `code` is valid for at `nowMs` (within one step of drift), or null. */
export function totpStep(secretBase32: string, code: string, nowMs: number): number | null {
  const delta = totp(secretBase32).validate({ token: code, timestamp: nowMs, window: DRIFT_STEPS });
  return delta === null ? null : Math.floor(nowMs / 1000 / TOTP_PERIOD) + delta;
}

/** The code of `secretBase32` at `nowMs` (tests; the console never shows one). */
export function totpCodeAt(secretBase32: string, nowMs: number): string {
  return totp(secretBase32).generate({ timestamp: nowMs });
}
