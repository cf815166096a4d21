// A user account with Drupal's base fields (docs/compatibility.md §6). uid 0 is the reserved
// anonymous account and can never authenticate; uid 1 is the bootstrap administrator.
import type { UserFields } from './user-fields.js';

export interface User {
  uid: number;
  uuid: string;
  name: string;
  mail: string | null;
  /** password hash (argon2id, or a Drupal legacy hash awaiting upgrade); null = cannot log in */
  passHash: string | null;
  status: boolean;
  langcode: string;
  preferredLangcode: string;
  preferredAdminLangcode: string | null;
  timezone: string | null;
  /** seconds since the epoch, as Drupal stores them */
  created: number;
  changed: number;
  access: number;
  login: number;
  init: string | null;
  /** explicit roles; `authenticated` is implied and never stored */
  roles: string[];
  /** the address in `mail` was proved by a mailed link (the `email_verified` claim); changing `mail` clears it */
  mailVerified: boolean;
  /** free-form profile fields (user-fields.ts); `{}` when none */
  fields: UserFields;
}

export const ANONYMOUS_UID = 0;

/** Drupal's UserInterface::USERNAME_MAX_LENGTH, in characters. */
export const USER_NAME_MAX_LENGTH = 60;

const USER_NAME = new RegExp(`^[^\\x00-\\x1f\\x7f]{1,${USER_NAME_MAX_LENGTH}}$`);

/** Drupal allows most characters in names but not control characters, nor leading/trailing spaces. */
export function isValidUserName(value: unknown): value is string {
  return typeof value === 'string' && USER_NAME.test(value) && value.trim() === value && !value.includes('  ');
}

// no spaces and no control characters (PostgreSQL text cannot hold NUL)
const MAIL = /^[^\s@\x00-\x1f\x7f]+@[^\s@\x00-\x1f\x7f]+$/;

export function isValidMail(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 254 && MAIL.test(value);
}

/** Parses a path segment as a uid: only canonical non-negative decimal integers. */
export function parseUid(segment: string): number | null {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(segment)) return null;
  const uid = Number(segment);
  return Number.isSafeInteger(uid) ? uid : null;
}
