// test-engines: both
// miniOrange's client_credentials + `username` at /rest_api/access_token: a client acts only for
// its default user and the users its `actAs` field lists ("*": anyone, the module's behaviour).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPERATOR } from '../../src/admin/actor.js';
import { updateUser } from '../../src/admin/users.js';
import { decodeJwt, form, SECRET, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let endpoint: string;

const cc = { confidential: true, secret: SECRET, grantTypes: ['client_credentials'], scopes: ['profile:read'] };
before(async () => {
  gh = await startGatehouse({
    world: {
      ...WORLD,
      users: [...WORLD.users!, { name: 'dora', mail: 'dora@example.com', roles: [] }],
      clients: [
        ...WORLD.clients!,
        { clientId: 'svc', label: 'Acts as alice only', ...cc, user: 'alice' },
        { clientId: 'svc-bob', label: 'Acts as alice, and for bob', ...cc, user: 'alice', actAs: ['bob', 'dora'] },
        { clientId: 'svc-any', label: 'Acts for anyone', ...cc, actAs: '*' },
      ],
    },
  });
  endpoint = `${gh.url}/rest_api/access_token`;
});
after(() => gh.close());

const REFUSED = { status: 'error', error: 'INVALID_CREDENTIALS', error_description: 'The client may not act for this user.' };
const token = (clientId: string, username: string) =>
  form(endpoint, { grant_type: 'client_credentials', client_id: clientId, client_secret: SECRET, username });
const uidOf = async (name: string) => (await gh.store.users.findByName(name))!.uid;

describe('a client acts for its default user and its actAs list only', () => {
  test('off by default: another user is refused, 401 INVALID_CREDENTIALS, no token', async () => {
    for (const name of ['bob', 'root']) {
      const res = await token('svc', name);
      assert.equal(res.status, 401, res.text);
      assert.deepEqual(res.body, REFUSED);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    }
  });

  test('a name outside the list gets the same answer whether or not the user exists', async () => {
    const existing = await token('svc', 'bob');
    const unknown = await token('svc', 'no-such-user');
    assert.deepEqual([unknown.status, unknown.body], [existing.status, existing.body]);
  });

  test('the default user is always allowed, named in any case', async () => {
    for (const name of ['alice', 'ALICE']) {
      const res = await token('svc', name);
      assert.equal(res.status, 200, res.text);
      assert.equal(decodeJwt(res.body.access_token).claims.sub, String(await uidOf('alice')));
    }
  });

  test('listed users are allowed; others refused', async () => {
    const bob = await token('svc-bob', 'Bob');
    assert.equal(bob.status, 200, bob.text);
    assert.equal(decodeJwt(bob.body.access_token).claims.sub, String(await uidOf('bob')));
    assert.equal((await token('svc-bob', 'alice')).status, 200, 'the default user');
    assert.deepEqual((await token('svc-bob', 'root')).body, REFUSED);
  });

  test('the list holds users, not names: a renamed user keeps the right, a newcomer with the old name does not get it', async () => {
    const dora = await uidOf('dora');
    // through the server's own store, as the admin API would (its 1 s cache forgets at once)
    const admin = { ...gh.admin, store: gh.app.gatehouse.store };
    await updateUser(admin, dora, { name: 'dorothea' }, OPERATOR);
    try {
      const renamed = await token('svc-bob', 'dorothea');
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(decodeJwt(renamed.body.access_token).claims.sub, String(dora));
      await admin.store.users.create({
        name: 'dora',
        mail: null,
        passHash: null,
        status: true,
        langcode: 'en',
        preferredLangcode: 'en',
        preferredAdminLangcode: null,
        timezone: 'UTC',
        init: null,
        roles: [],
      });
      assert.deepEqual((await token('svc-bob', 'dora')).body, REFUSED);
    } finally {
      await updateUser(admin, dora, { name: 'dora-renamed-back' }, OPERATOR);
    }
  });

  test('"*" keeps miniOrange’s behaviour: anyone, and an unknown name is bad credentials', async () => {
    const res = await token('svc-any', 'root');
    assert.equal(res.status, 200, res.text);
    assert.equal(decodeJwt(res.body.access_token).claims.sub, String(await uidOf('root')));
    assert.deepEqual((await token('svc-any', 'no-such-user')).body, {
      status: 'error',
      error: 'INVALID_CREDENTIALS',
      error_description: 'Invalid username or password.',
    });
  });

  test('a listed but blocked user: USER_BLOCKED 403', async () => {
    const res = await form(endpoint, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET, username: 'carol' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'USER_BLOCKED');
  });

  test('a refusal is audited as a failure', async () => {
    await token('svc', 'bob');
    await gh.app.gatehouse.audit.flush();
    const entries = await gh.store.audit.search({ clientId: 'svc', outcome: 'failure', limit: 5 });
    assert.ok(
      entries.some((e) => e.detail === 'client_credentials: act_as_refused'),
      JSON.stringify(entries),
    );
  });
});
