// Drupal core REST's view of a user entity (docs/compatibility.md §6): who may view whom
// (UserAccessControlHandler) and the JSON normalization with field access, as Drupal outputs it.
import { createHash } from 'node:crypto';
import type { PermissionSet } from '../domain/access.js';
import { PERMISSIONS } from '../domain/permissions.js';
import type { Role } from '../domain/role.js';
import { ANONYMOUS_UID, type User } from '../domain/user.js';

export interface Viewer {
  uid: number;
  /** the token's effective permissions */
  permissions: PermissionSet;
}

export const FORMAT_PARAM = '_format';

/** Drupal serves a REST format only when `_format` names it exactly; there is one: json. */
export function negotiateFormat(query: unknown): 'json' | 'not_acceptable' {
  const value = query && typeof query === 'object' ? (query as Record<string, unknown>)[FORMAT_PARAM] : undefined;
  return value === 'json' ? 'json' : 'not_acceptable';
}

export function canViewUser(viewer: Viewer, target: User): boolean {
  if (target.uid === ANONYMOUS_UID) return false;
  if (viewer.permissions.has(PERMISSIONS.administerUsers)) return true;
  if (viewer.uid === target.uid) return true; // the owner, even when blocked
  return target.status && viewer.permissions.has(PERMISSIONS.accessUserProfiles);
}

type Item = Record<string, unknown>;
const DATE_FORMAT = 'Y-m-d\\TH:i:sP';

/** A Drupal timestamp item: ISO 8601 in UTC with an explicit +00:00 offset. */
function timestamp(seconds: number): Item[] {
  // 0 means "never" (access, login): Drupal stores no meaningful date, so the list is empty
  if (!seconds) return [];
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return [{ value: iso, format: DATE_FORMAT }];
}

const value = (v: unknown): Item[] => (v === null || v === undefined || v === '' ? [] : [{ value: v }]);

/** Our roles have no stored uuid: a name-based (v5) uuid gives each a stable one. */
const ROLE_NAMESPACE = Buffer.from('6f1f1c4e2c3b4d7a9a7e0b7c1d2e3f40', 'hex');

export function roleUuid(roleId: string): string {
  const bytes = createHash('sha1').update(ROLE_NAMESPACE).update(roleId, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Field =
  | 'uid'
  | 'uuid'
  | 'langcode'
  | 'preferred_langcode'
  | 'preferred_admin_langcode'
  | 'name'
  | 'mail'
  | 'timezone'
  | 'status'
  | 'created'
  | 'changed'
  | 'access'
  | 'login'
  | 'init'
  | 'roles'
  | 'default_langcode';

const FIELD_ORDER: Field[] = [
  'uid',
  'uuid',
  'langcode',
  'preferred_langcode',
  'preferred_admin_langcode',
  'name',
  'mail',
  'timezone',
  'status',
  'created',
  'changed',
  'access',
  'login',
  'init',
  'roles',
  'default_langcode',
];
const PUBLIC_FIELDS: ReadonlySet<Field> = new Set(['uid', 'uuid', 'langcode', 'name', 'created', 'changed', 'default_langcode']);
const OWNER_FIELDS: ReadonlySet<Field> = new Set([...PUBLIC_FIELDS, 'mail', 'timezone', 'preferred_langcode', 'preferred_admin_langcode']);

function visibleFields(viewer: Viewer, target: User): ReadonlySet<Field> {
  if (viewer.permissions.has(PERMISSIONS.administerUsers)) return new Set(FIELD_ORDER);
  if (viewer.uid === target.uid) return OWNER_FIELDS;
  if (viewer.permissions.has(PERMISSIONS.viewUserEmailAddresses)) return new Set([...PUBLIC_FIELDS, 'mail']);
  return PUBLIC_FIELDS;
}

/** Drupal's JSON for `target` as `viewer` may see it; `pass` is never part of it. */
export function normalizeUser(target: User, viewer: Viewer, roles: ReadonlyMap<string, Role>): Record<string, Item[]> {
  const all: Record<Field, () => Item[]> = {
    uid: () => [{ value: target.uid }],
    uuid: () => value(target.uuid),
    langcode: () => value(target.langcode),
    preferred_langcode: () => value(target.preferredLangcode),
    preferred_admin_langcode: () => value(target.preferredAdminLangcode),
    name: () => value(target.name),
    mail: () => value(target.mail),
    timezone: () => value(target.timezone),
    status: () => [{ value: target.status }],
    created: () => timestamp(target.created),
    changed: () => timestamp(target.changed),
    access: () => timestamp(target.access),
    login: () => timestamp(target.login),
    init: () => value(target.init),
    roles: () =>
      target.roles
        .filter((id) => id !== 'authenticated' && roles.has(id))
        .map((id) => ({ target_id: id, target_type: 'user_role', target_uuid: roleUuid(id) })),
    default_langcode: () => [{ value: true }],
  };
  const visible = visibleFields(viewer, target);
  const out: Record<string, Item[]> = {};
  for (const field of FIELD_ORDER) if (visible.has(field)) out[field] = all[field]();
  return out;
}
