// Unit tests of Drupal's user access and normalization rules (docs/compatibility.md §6).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canViewUser, negotiateFormat, normalizeUser, roleUuid } from '../../src/compat/drupal-user.js';
import { PermissionSet } from '../../src/domain/access.js';
import type { User } from '../../src/domain/user.js';

const llama: User = {
  uid: 3,
  uuid: 'u-3',
  name: 'Llama',
  mail: 'llama@example.com',
  passHash: '$argon2id$secret',
  status: true,
  langcode: 'en',
  preferredLangcode: 'en',
  preferredAdminLangcode: null,
  timezone: 'UTC',
  created: 123456789,
  changed: 123456789,
  access: 0,
  login: 0,
  init: 'llama@example.com',
  roles: ['editor'],
  mailVerified: false,
  fields: {},
};
const roles = new Map([['editor', { id: 'editor', label: 'Editor', permissions: [], isAdmin: false }]]);
const viewer = (uid: number, ...perms: string[]) => ({ uid, permissions: PermissionSet.of(perms) });

test('the docs/compatibility.md §6 example, as another user with access user profiles sees it', () => {
  assert.deepEqual(normalizeUser(llama, viewer(9, 'access user profiles'), roles), {
    uid: [{ value: 3 }],
    uuid: [{ value: 'u-3' }],
    langcode: [{ value: 'en' }],
    name: [{ value: 'Llama' }],
    created: [{ value: '1973-11-29T21:33:09+00:00', format: 'Y-m-d\\TH:i:sP' }],
    changed: [{ value: '1973-11-29T21:33:09+00:00', format: 'Y-m-d\\TH:i:sP' }],
    default_langcode: [{ value: true }],
  });
});

test('the access table', () => {
  const blocked = { ...llama, status: false };
  assert.equal(canViewUser(viewer(9, 'access user profiles'), llama), true);
  assert.equal(canViewUser(viewer(9, 'access user profiles'), blocked), false);
  assert.equal(canViewUser(viewer(3), blocked), true, 'owner, even blocked');
  assert.equal(canViewUser(viewer(9, 'administer users'), blocked), true);
  assert.equal(canViewUser(viewer(9), llama), false);
  assert.equal(canViewUser({ uid: 9, permissions: PermissionSet.everything() }, { ...llama, uid: 0 }), false);
});

test('administrators see every field but pass, in Drupal order, with roles normalized', () => {
  const out = normalizeUser({ ...llama, login: 1 }, viewer(9, 'administer users'), roles);
  assert.deepEqual(Object.keys(out), [
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
  ]);
  assert.deepEqual(out.preferred_admin_langcode, []);
  assert.deepEqual(out.access, [], 'never accessed');
  assert.equal(out.login.length, 1);
  assert.deepEqual(out.roles, [{ target_id: 'editor', target_type: 'user_role', target_uuid: roleUuid('editor') }]);
  assert.ok(!JSON.stringify(out).includes('argon2'));
});

test('role uuids are stable and distinct', () => {
  assert.equal(roleUuid('editor'), roleUuid('editor'));
  assert.notEqual(roleUuid('editor'), roleUuid('administrator'));
});

test('_format must be exactly json', () => {
  assert.equal(negotiateFormat({ _format: 'json' }), 'json');
  for (const q of [{}, { _format: 'xml' }, { _format: ['json', 'json'] }, null, { _format: 'JSON' }]) assert.equal(negotiateFormat(q), 'not_acceptable');
});
