// Unit tests for the pure access rules: user permissions ∩ scope permissions
// (docs/compatibility.md §4).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { effectiveAccess, expandScopes, PermissionSet, scopeGrants, scopesStillHeld, userPermissions, type AccessCatalog } from '../../src/domain/access.js';
import type { Role } from '../../src/domain/role.js';
import { BUILT_IN_SCOPES, parseScopeParameter, type Scope } from '../../src/domain/scope.js';
import { parseUid } from '../../src/domain/user.js';
import { redirectUriProblem } from '../../src/domain/client.js';

const role = (id: string, permissions: string[], isAdmin = false): Role => ({ id, label: id, permissions, isAdmin });
const scope = (name: string, fields: Partial<Scope>): Scope => ({
  name,
  description: name,
  grantTypes: ['client_credentials', 'password', 'refresh_token', 'authorization_code'],
  umbrella: false,
  parent: null,
  granularity: 'permission',
  permission: null,
  role: null,
  ...fields,
});

const catalog: AccessCatalog = {
  roles: new Map([
    ['authenticated', role('authenticated', ['access content'])],
    ['administrator', role('administrator', [], true)],
    ['editor', role('editor', ['edit articles', 'access user profiles'])],
    ['writer', role('writer', ['write articles'])],
  ]),
  scopes: new Map(
    [
      ...BUILT_IN_SCOPES,
      scope('articles:edit', { permission: 'edit articles' }),
      scope('profiles', { permission: 'access user profiles' }),
      scope('content', { permission: 'access content' }),
      scope('as-editor', { granularity: 'role', role: 'editor' }),
      scope('as-admin', { granularity: 'role', role: 'administrator' }),
      scope('umbrella', { umbrella: true, granularity: null }),
      scope('child-a', { permission: 'edit articles', parent: 'umbrella' }),
      scope('child-b', { permission: 'write articles', parent: 'umbrella' }),
      scope('cycle-a', { permission: 'x', parent: 'cycle-b' }),
      scope('cycle-b', { permission: 'y', parent: 'cycle-a' }),
    ].map((s) => [s.name, s]),
  ),
};

describe('effective access', () => {
  test('is the intersection of the user and the scopes', () => {
    const access = effectiveAccess(['editor'], ['articles:edit'], catalog);
    assert.ok(access.permissions.has('edit articles'));
    assert.ok(!access.permissions.has('access user profiles'), 'the user has it, the scope does not grant it');
    assert.ok(!access.permissions.has('access content'), 'the authenticated role has it, no scope grants it');
  });

  test('a scope grants nothing the user lacks', () => {
    const access = effectiveAccess([], ['articles:edit', 'profiles'], catalog);
    assert.ok(!access.permissions.has('edit articles'));
    assert.ok(!access.permissions.has('access user profiles'));
  });

  test('the authenticated role counts for every user', () => {
    assert.ok(effectiveAccess([], ['content'], catalog).permissions.has('access content'));
  });

  test('an administrator is limited by the scopes', () => {
    const access = effectiveAccess(['administrator'], ['profiles'], catalog);
    assert.ok(access.permissions.has('access user profiles'));
    assert.ok(!access.permissions.has('administer users'));
    assert.ok(!access.permissions.all);
  });

  test('an administrator with an administrator-role scope has every permission', () => {
    const access = effectiveAccess(['administrator'], ['as-admin'], catalog);
    assert.ok(access.permissions.all);
    assert.ok(access.permissions.has('anything at all'));
    assert.deepEqual(access.roles, ['authenticated', 'administrator']);
  });

  test('a role scope: its permissions and the role itself, only if the user holds the role (SA-CONTRIB-2025-114)', () => {
    const holder = effectiveAccess(['editor'], ['as-editor'], catalog);
    assert.ok(holder.permissions.has('edit articles'));
    assert.deepEqual(holder.roles, ['authenticated', 'editor']);
    const other = effectiveAccess(['writer'], ['as-editor'], catalog);
    assert.ok(!other.permissions.has('edit articles'));
    assert.deepEqual(other.roles, ['authenticated']);
    const adminScopeForEditor = effectiveAccess(['editor'], ['as-admin'], catalog);
    assert.ok(!adminScopeForEditor.permissions.all);
    assert.ok(adminScopeForEditor.permissions.has('edit articles'));
    assert.deepEqual(adminScopeForEditor.roles, ['authenticated']);
  });

  test('an umbrella scope grants what its children grant, and nothing itself', () => {
    const grants = scopeGrants(['umbrella'], catalog);
    assert.deepEqual(grants.permissions.list(), ['edit articles', 'write articles']);
    assert.deepEqual(
      expandScopes(['umbrella'], catalog).map((s) => s.name),
      ['umbrella', 'child-a', 'child-b'],
    );
  });

  test('a cycle of parents terminates', () => {
    assert.deepEqual(scopeGrants(['cycle-a'], catalog).permissions.list(), ['x', 'y']);
  });

  test('OIDC scopes and unknown scopes grant nothing', () => {
    assert.deepEqual(scopeGrants(['openid', 'profile', 'email', 'nope'], catalog).permissions.list(), []);
  });

  test('unknown roles on a user are ignored', () => {
    assert.ok(!userPermissions(['ghost'], catalog).has('edit articles'));
  });

  test('PermissionSet.intersect with everything', () => {
    const some = PermissionSet.of(['a']);
    assert.equal(PermissionSet.everything().intersect(some), some);
    assert.equal(some.intersect(PermissionSet.everything()), some);
    assert.deepEqual(
      PermissionSet.of(['a', 'b'])
        .intersect(PermissionSet.of(['b', 'c']))
        .list(),
      ['b'],
    );
  });
});

describe('parsing rules', () => {
  test('scope parameter: space-separated RFC 6749 scope tokens, duplicates folded', () => {
    assert.deepEqual(parseScopeParameter('a b a'), ['a', 'b']);
    assert.deepEqual(parseScopeParameter(''), []);
    assert.equal(parseScopeParameter('a  b'), null, 'double space yields an empty token');
    assert.equal(parseScopeParameter('a"b'), null);
    assert.equal(parseScopeParameter('a\\b'), null);
    assert.equal(parseScopeParameter('é'), null);
  });

  test('uids: canonical non-negative integers only', () => {
    assert.equal(parseUid('0'), 0);
    assert.equal(parseUid('42'), 42);
    for (const bad of ['', '-1', '01', '1.0', '1e3', ' 1', 'abc', '9'.repeat(16)]) assert.equal(parseUid(bad), null, bad);
  });

  test('redirect URIs: absolute, no fragment, no script schemes', () => {
    assert.equal(redirectUriProblem('https://app.example/cb'), null);
    assert.equal(redirectUriProblem('com.example.app:/callback'), null);
    assert.equal(redirectUriProblem('http://127.0.0.1:5173/callback'), null);
    assert.notEqual(redirectUriProblem('/relative'), null);
    assert.notEqual(redirectUriProblem('https://app.example/cb#x'), null);
    assert.notEqual(redirectUriProblem('javascript:alert(1)'), null);
  });
});

describe('scopes a user still holds (refresh)', () => {
  test('a permission scope stays while a role of the user grants the permission', () => {
    assert.deepEqual(scopesStillHeld(['articles:edit', 'profiles', 'content'], ['editor'], catalog), ['articles:edit', 'profiles', 'content']);
    assert.deepEqual(scopesStillHeld(['articles:edit', 'profiles', 'content'], ['writer'], catalog), ['content'], 'only what authenticated grants is left');
  });

  test('a role scope stays only while the user holds the role; administrators hold every permission, not every role', () => {
    assert.deepEqual(scopesStillHeld(['as-editor'], ['editor'], catalog), ['as-editor']);
    assert.deepEqual(scopesStillHeld(['as-editor'], ['writer'], catalog), []);
    assert.deepEqual(scopesStillHeld(['as-editor', 'articles:edit', 'as-admin'], ['administrator'], catalog), ['articles:edit', 'as-admin']);
  });

  test('an umbrella stays while any scope under it gives the user something', () => {
    assert.deepEqual(scopesStillHeld(['umbrella'], ['writer'], catalog), ['umbrella']);
    assert.deepEqual(scopesStillHeld(['umbrella'], [], catalog), []);
  });

  test('OIDC scopes stay; scopes no longer defined go', () => {
    assert.deepEqual(scopesStillHeld(['openid', 'profile', 'email', 'gone'], [], catalog), ['openid', 'profile', 'email']);
  });
});
