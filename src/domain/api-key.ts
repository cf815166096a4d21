// Per-user API keys (issue 12 part 4, miniOrange's "API key" method): what a key is, how it is
// spelled and when it may be used. A key reads `ghk_<id>_<secret>`: the fixed prefix lets secret
// scanners find a leaked one, the id finds its row, and only a keyed digest of the whole key is kept.

export interface ApiKey {
  /** the public id part of the key (12 characters of [a-z0-9]), its row's primary key */
  id: string;
  uid: number;
  label: string;
  /** what the key may reach of its user's permissions; [] = all of them */
  scopes: string[];
  /** seconds since the epoch */
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

export const API_KEY_PREFIX = 'ghk_';
export const API_KEY_ID_LENGTH = 12;
/** 32 random bytes, base64url */
export const API_KEY_SECRET_LENGTH = 43;
export const API_KEY_LABEL_MAX_LENGTH = 128;
export const API_KEY_MAX_EXPIRES_IN_DAYS = 3650;
/** a key names at most this many scopes */
export const API_KEY_MAX_SCOPES = 50;

const ID = /^[a-z0-9]{12}$/;
const KEY = /^ghk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** The id and secret of a key spelled as Gatehouse makes them, or null for anything else. */
export function parseApiKey(value: string): { id: string; secret: string } | null {
  const match = KEY.exec(value);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

export function isApiKeyId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/** Whether a presented value claims to be an API key (a Basic password, an X-API-Key header). */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX);
}

export type ApiKeyState = 'active' | 'expired' | 'revoked';

/** `now` in seconds. */
export function apiKeyState(key: Pick<ApiKey, 'expiresAt' | 'revokedAt'>, now: number): ApiKeyState {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}
