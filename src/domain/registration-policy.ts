// What dynamically registered clients (RFC 7591) may ask for: the operator's registration policy
// (apply file `registrationPolicy`). A registered client never gets a scope, grant type or kind of
// redirect URI the policy does not list.
import type { GrantType } from './grant-types.js';

/**
 * Kinds of redirect URI: `https`, `http-loopback` (http to 127.0.0.1, [::1] or localhost, RFC 8252
 * §7.3), or a private-use scheme of a native app (RFC 8252 §7.1), named as is (`com.example.app`).
 */
export type RedirectUriScheme = string;

export interface RegistrationPolicy {
  scopes: string[];
  grantTypes: GrantType[];
  redirectUriSchemes: RedirectUriScheme[];
  /** days a registered client lives (then it is deleted); null: until deleted */
  clientLifetimeDays: number | null;
}

export const DEFAULT_REGISTRATION_POLICY: RegistrationPolicy = {
  scopes: ['openid', 'profile', 'email'],
  grantTypes: ['authorization_code', 'refresh_token'],
  redirectUriSchemes: ['https', 'http-loopback'],
  clientLifetimeDays: null,
};

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The kind of a redirect URI, as the policy names kinds. */
export function redirectUriKind(uri: string): RedirectUriScheme | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol === 'https:') return 'https';
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname) ? 'http-loopback' : 'http';
  return url.protocol.slice(0, -1);
}

/** A policy's redirectUriSchemes entry: a kind above, or a URI scheme (RFC 3986 §3.1). */
export function isRedirectUriScheme(value: unknown): value is RedirectUriScheme {
  return typeof value === 'string' && /^[a-z][a-z0-9+.-]{0,63}$/.test(value) && !/^(javascript|data|vbscript|file|http)$/.test(value);
}
