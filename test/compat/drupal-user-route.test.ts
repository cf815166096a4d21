// test-engines: both
// GET /user/{id}?_format=json through HTTP: docs/compatibility.md §6's access table and field sets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { tokenFor, uidOf } from '../helpers/tokens.js';

let gh: Running;
const uids: Record<string, number> = {};
before(async () => {
  gh = await startGatehouse();
  for (const name of ['alice', 'bob', 'carol', 'root']) uids[name] = await uidOf(gh, name);
});
after(() => gh.close());

const PUBLIC_FIELDS = ['changed', 'created', 'default_langcode', 'langcode', 'name', 'uid', 'uuid'];

function view(uid: number | string, token: string, query = '?_format=json') {
  return request(`${gh.url}/user/${uid}${query}`, { headers: bearer(token) });
}

describe('who may view whom', () => {
  test('access user profiles: active users, public fields only', async () => {
    const res = await view(uids.bob, await tokenFor(gh, 'alice', 'profile:read'));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), PUBLIC_FIELDS);
    assert.deepEqual(res.body.uid, [{ value: uids.bob }]);
    assert.deepEqual(res.body.name, [{ value: 'bob' }]);
    assert.deepEqual(res.body.default_langcode, [{ value: true }]);
    assert.equal(res.body.created[0].format, 'Y-m-d\\TH:i:sP');
    assert.match(res.body.created[0].value, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });

  test('+ mail with view user email addresses', async () => {
    const res = await view(uids.bob, await tokenFor(gh, 'alice', 'profile:read mail:read'));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.mail, [{ value: 'bob@example.com' }]);
    assert.equal(res.body.timezone, undefined);
  });

  test('access user profiles may not view blocked users', async () => {
    const res = await view(uids.carol, await tokenFor(gh, 'alice', 'profile:read'));
    assert.equal(res.status, 403);
  });

  test('the owner sees their own private fields, with any scope', async () => {
    const res = await view(uids.bob, await tokenFor(gh, 'bob', 'profile:read'));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), [...PUBLIC_FIELDS, 'mail', 'preferred_admin_langcode', 'preferred_langcode', 'timezone'].sort());
    assert.deepEqual(res.body.mail, [{ value: 'bob@example.com' }]);
    assert.equal(res.body.pass, undefined);
    assert.equal(res.body.roles, undefined);
  });

  test('administer users sees every field but pass, of any user including blocked ones', async () => {
    const res = await view(uids.carol, await tokenFor(gh, 'root', 'users:admin'));
    assert.equal(res.status, 200, res.text);
    for (const field of [
      'uid',
      'uuid',
      'langcode',
      'preferred_langcode',
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
    ]) {
      assert.ok(field in res.body, field);
    }
    assert.equal(res.body.pass, undefined);
    assert.deepEqual(res.body.status, [{ value: false }]);
    assert.equal(res.body.roles[0].target_id, 'editor');
    assert.equal(res.body.roles[0].target_type, 'user_role');
    assert.match(res.body.roles[0].target_uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(!JSON.stringify(res.body).includes('argon2'));
  });

  test('an administrator token without the users:admin scope is only as strong as its scopes', async () => {
    const res = await view(uids.carol, await tokenFor(gh, 'root', 'profile:read'));
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'INSUFFICIENT_SCOPE');
  });

  test('anyone else: 403', async () => {
    const res = await view(uids.alice, await tokenFor(gh, 'bob', 'profile:read'));
    assert.equal(res.status, 403, res.text);
    assert.equal(typeof res.body.message, 'string');
  });

  test('uid 0 is never viewable, not even by an administrator', async () => {
    const res = await view(0, await tokenFor(gh, 'root', 'users:admin'));
    assert.equal(res.status, 403);
  });

  test('umbrella scope grants what its children grant', async () => {
    const res = await view(uids.bob, await tokenFor(gh, 'alice', 'everything'));
    assert.equal(res.status, 200, res.text);
  });

  test('role scope grants the role permissions, intersected with the user', async () => {
    const asEditor = await view(uids.bob, await tokenFor(gh, 'alice', 'editor'));
    assert.equal(asEditor.status, 200);
    assert.deepEqual(asEditor.body.mail, [{ value: 'bob@example.com' }]);
    // bob does not hold the editor role: the scope gives him nothing
    const bobAsEditor = await view(uids.alice, await tokenFor(gh, 'bob', 'editor'));
    assert.equal(bobAsEditor.status, 403);
  });
});

describe('ids and formats', () => {
  test('unknown id: 404; non-numeric ids: 404', async () => {
    const token = await tokenFor(gh, 'root', 'users:admin');
    assert.equal((await view(999_999, token)).status, 404);
    for (const id of ['abc', '1.5', '-1', '01', '1e3', '9'.repeat(40)]) assert.equal((await view(id, token)).status, 404, id);
  });

  test('_format other than json, missing or repeated: 406', async () => {
    const token = await tokenFor(gh, 'root', 'users:admin');
    for (const q of ['?_format=xml', '', '?_format=hal_json', '?_format=json&_format=xml']) {
      const res = await view(uids.bob, token, q);
      assert.equal(res.status, 406, q);
    }
  });

  test('a query string cannot smuggle past the guard (the module advisory: ?x=1&_format=json)', async () => {
    const res = await request(`${gh.url}/user/${uids.bob}?x=1&_format=json`);
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'MISSING_AUTHORIZATION_HEADER');
  });
});
