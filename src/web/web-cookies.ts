// The names and attributes of Gatehouse's browser cookies (login session, CSRF nonce, passkey ceremony). Behind
// https (the issuer says so) they carry the `__Host-` prefix (RFC 6265bis §4.1.3.2): the browser
// then takes them only with Secure, Path=/ and no Domain, so neither a sibling subdomain nor a
// plain-http page can plant or overwrite them.
import type { CookieSerializeOptions } from '@fastify/cookie';

export interface WebCookies {
  session: string;
  csrf: string;
  /** the handle of a passkey ceremony under way (its challenge is kept server-side) */
  passkey: string;
  /** a login whose password was right, waiting for its second factor */
  pending: string;
  /** recovery codes just made, sealed, until the page showing them once is opened */
  reveal: string;
  /** attributes every set (and every clear: a `__Host-` cookie is only replaced with the same ones) */
  attributes(maxAge?: number): CookieSerializeOptions;
}

export function webCookies(secure: boolean): WebCookies {
  const prefix = secure ? '__Host-' : '';
  return {
    session: `${prefix}gh_session`,
    csrf: `${prefix}gh_csrf`,
    passkey: `${prefix}gh_passkey`,
    pending: `${prefix}gh_pending`,
    reveal: `${prefix}gh_reveal`,
    attributes: (maxAge) => ({ path: '/', httpOnly: true, sameSite: 'lax', secure, ...(maxAge === undefined ? {} : { maxAge }) }),
  };
}
