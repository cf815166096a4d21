// An OAuth client ("consumer" in Simple OAuth), with every consumer field of
// docs/compatibility.md §4.
import type { GrantType } from './grant-types.js';

export interface Client {
  clientId: string;
  label: string;
  description: string;
  /** keyed digest of the secret; null for public clients */
  secretDigest: string | null;
  confidential: boolean;
  grantTypes: GrantType[];
  redirectUris: string[];
  /** client_credentials (and password) default scopes and allow-list */
  scopes: string[];
  /** default scopes of the authorization code grant when `scope` is absent */
  authorizationCodeScopes: string[];
  /** default user: whom client_credentials tokens act as */
  userId: number | null;
  /**
   * whom else the client may act for with miniOrange's client_credentials + `username`: user ids,
   * or `'*'` for anyone (the module's own behaviour). The default user is always allowed.
   */
  actAs: ActAs;
  pkce: boolean;
  automaticAuthorization: boolean;
  rememberApproval: boolean;
  /** seconds */
  accessTokenExpiration: number;
  /** seconds */
  refreshTokenExpiration: number;
  /** seconds: a refresh-token family ends this long after the grant that started it; then the user signs in again */
  refreshFamilyLifetime: number;
  /**
   * seconds (0 = off): how long a spent refresh token may be presented again by its client and get
   * the same successor, instead of counting as a replay (a reply lost in transit, tabs racing)
   */
  refreshReuseInterval: number;
  /** false = disabled: cannot authenticate or obtain tokens */
  status: boolean;
  created: number;
  changed: number;
}

/** `'*'`: any user; otherwise the user ids listed (none by default). */
export type ActAs = '*' | number[];

export const ACT_AS_ANYONE = '*';

/** Whether a client may act for user `uid` (its default user always). */
export function mayActFor(client: Pick<Client, 'userId' | 'actAs'>, uid: number): boolean {
  return client.userId === uid || client.actAs === ACT_AS_ANYONE || client.actAs.includes(uid);
}

export const MIN_CLIENT_SECRET_LENGTH = 32;
export const DEFAULT_ACCESS_TOKEN_EXPIRATION = 300;
export const DEFAULT_REFRESH_TOKEN_EXPIRATION = 1_209_600;
export const MAX_ACCESS_TOKEN_EXPIRATION = 86_400;
export const MAX_REFRESH_TOKEN_EXPIRATION = 31_536_000;
export const DEFAULT_REFRESH_FAMILY_LIFETIME = 2_592_000;
export const MAX_REFRESH_FAMILY_LIFETIME = 315_360_000;
export const DEFAULT_REFRESH_REUSE_INTERVAL = 0;
/** Okta's grace period goes to 60 s; beyond a few minutes a "lost reply" is no longer the likely story */
export const MAX_REFRESH_REUSE_INTERVAL = 300;

// No ':' (it would break HTTP Basic) and nothing that needs escaping in a URL.
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;

export function isValidClientId(value: unknown): value is string {
  return typeof value === 'string' && CLIENT_ID.test(value);
}

const HTTP_REDIRECT_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * A registered redirect URI: absolute, no fragment (RFC 6749 §3.1.2), https unless it is a
 * loopback address. Custom schemes are allowed for native apps (RFC 8252 §7.1).
 */

export function redirectUriProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.hash || value.includes('#')) return 'must not contain a fragment';
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) return 'must name a host';
  // RFC 9700 §2.6: no authorization response over plain http, but to a native app's loopback
  // listener (RFC 8252 §7.3); `localhost` too, for development, matched exactly
  if (url.protocol === 'http:' && !HTTP_REDIRECT_HOSTS.has(url.hostname)) return 'must use https (http only for 127.0.0.1, [::1] or localhost)';
  if (/^(javascript|data|vbscript|file):$/i.test(url.protocol)) return `scheme ${url.protocol} is not allowed`;
  return null;
}
