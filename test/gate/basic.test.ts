// test-engines: both
// The basic gate method through /gate/check on real routes (issue 12 part 4): a user's own password in
// `Authorization: Basic`, checked like the login (flood control, blocked users refused), and a
// success remembered for a minute — which a new password, a block or new roles end at once. The
// user's login time shows whether a request ran the password check (it records a login) or was
// answered from memory (it does not).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPERATOR } from '../../src/admin/actor.js';
import { blockUser, createUser, setUserPassword, unblockUser, updateUser } from '../../src/admin/users.js';
import { PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { setRoutes } from './recording-upstream.js';

let gh: Running;

before(async () => {
  gh = await startGatehouse();
  await setRoutes(gh, [
    { name: 'open', path: '/api/open', auth: ['bearer', 'basic'] },
    { name: 'mail', path: '/api/mail', auth: ['bearer', 'basic'], permission: 'view user email addresses' },
    { name: 'keys', path: '/api/keys', auth: ['api_key'] },
  ]);
});
after(async () => {
  await gh.close();
});

const header = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
/** /gate/check for GET `path`, as nginx's auth_request asks it */
const call = (authorization?: string, path = '/api/open') =>
  request(`${gh.url}/gate/check`, { headers: { 'x-original-method': 'GET', 'x-original-uri': path, ...(authorization ? { authorization } : {}) } });
const login = async (name: string) => (await gh.store.users.findByName(name))!.login;

function assertDenied(res: { status: number; body: any; headers: Headers }, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error, code);
  if (status === 401 && code !== 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE')
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="gatehouse", Basic realm="gatehouse"');
}

/** A fresh user of the `viewer` role, so that one test’s changes and flood counts touch no other. */
async function freshUser(name: string): Promise<number> {
  return (await createUser(gh.admin, { name, mail: `${name}@example.com`, password: PASSWORD, roles: ['viewer'] }, OPERATOR)).user.uid;
}

/** Asserts that the next request with `authorization` ran the password check (true) or was remembered (false). */
async function checked(name: string, authorization: string): Promise<boolean> {
  gh.clock.advance(2);
  const before = await login(name);
  const res = await call(authorization);
  assert.equal(res.status, 200, res.text);
  return (await login(name)) !== before;
}

describe('answers', () => {
  test('the right password: 200, the user with all their permissions and no scopes', async () => {
    const res = await call(header('alice', PASSWORD));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-gatehouse-auth-method'), 'basic');
    assert.equal(res.headers.get('x-gatehouse-user-name'), 'alice');
    assert.equal(res.headers.get('x-gatehouse-client-id'), null);
    assert.equal(res.headers.get('x-gatehouse-scopes'), '');
    assert.equal((await call(header('alice', PASSWORD), '/api/mail')).status, 200);
    const bob = await call(header('bob', PASSWORD), '/api/mail');
    assertDenied(bob, 403, 'INSUFFICIENT_SCOPE');
    // a route taking only API keys does not take a password
    assertDenied(await call(header('alice', PASSWORD), '/api/keys'), 401, 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE');
  });

  test('wrong password, unknown user, malformed header: 401 INVALID_CREDENTIALS with both challenges', async () => {
    for (const authorization of [
      header('bob', 'wrong'),
      header('nobody', PASSWORD),
      'Basic',
      'Basic !!!!',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      `Basic ${Buffer.from(':nameless').toString('base64')}`,
      header('x'.repeat(61), PASSWORD),
    ]) {
      assertDenied(await call(authorization), 401, 'INVALID_CREDENTIALS');
    }
  });

  test('no credential: 401 MISSING_AUTHORIZATION_HEADER; another scheme: 401 INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE', async () => {
    assertDenied(await call(), 401, 'MISSING_AUTHORIZATION_HEADER');
    assertDenied(await call('Digest username="alice"'), 401, 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE');
  });

  test('a blocked user: 403 USER_BLOCKED with the right password, 401 with a wrong one', async () => {
    assertDenied(await call(header('carol', PASSWORD)), 403, 'USER_BLOCKED');
    assertDenied(await call(header('carol', 'wrong')), 401, 'INVALID_CREDENTIALS');
  });

  test('flood control as the login’s: after 5 failures for a user from one address, 429 TOO_MANY_ATTEMPTS even with the right password', async () => {
    await freshUser('flooded');
    for (let i = 0; i < 5; i++) assertDenied(await call(header('flooded', `wrong-${i}`)), 401, 'INVALID_CREDENTIALS');
    const refused = await call(header('flooded', PASSWORD));
    assertDenied(refused, 429, 'TOO_MANY_ATTEMPTS');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  });
});

describe('remembered credentials', () => {
  test('a success is remembered for a minute: the password is not checked again until then', async () => {
    await freshUser('remembered');
    const auth = header('remembered', PASSWORD);
    assert.equal(await checked('remembered', auth), true);
    assert.equal(await checked('remembered', auth), false);
    gh.clock.advance(58);
    assert.equal(await checked('remembered', auth), true, 'checked again after 60 s');
    // a wrong password is never remembered as anything
    assertDenied(await call(header('remembered', 'wrong')), 401, 'INVALID_CREDENTIALS');
  });

  test('a new password forgets it at once: the old one is refused, the new one checked', async () => {
    const uid = await freshUser('repassword');
    const old = header('repassword', PASSWORD);
    assert.equal(await checked('repassword', old), true);
    assert.equal(await checked('repassword', old), false);
    await setUserPassword(gh.app.gatehouse.admin, uid, 'a brand new passphrase', OPERATOR);
    assertDenied(await call(old), 401, 'INVALID_CREDENTIALS');
    assert.equal(await checked('repassword', header('repassword', 'a brand new passphrase')), true);
  });

  test('a block forgets it at once: after an unblock the password is checked again; while blocked, 403', async () => {
    const uid = await freshUser('reblock');
    const auth = header('reblock', PASSWORD);
    assert.equal(await checked('reblock', auth), true);
    assert.equal(await checked('reblock', auth), false);
    // blocked and unblocked with no request between: the entry was forgotten by the block itself
    await blockUser(gh.app.gatehouse.admin, uid, OPERATOR);
    await unblockUser(gh.app.gatehouse.admin, uid, OPERATOR);
    assert.equal(await checked('reblock', auth), true);
    assert.equal(await checked('reblock', auth), false);
    await blockUser(gh.app.gatehouse.admin, uid, OPERATOR);
    assertDenied(await call(auth), 403, 'USER_BLOCKED');
  });

  test('new roles forget it at once: the next request checks the password and carries the new permissions', async () => {
    const uid = await freshUser('reroled');
    const auth = header('reroled', PASSWORD);
    assert.equal(await checked('reroled', auth), true);
    assert.equal(await checked('reroled', auth), false);
    assertDenied(await call(auth, '/api/mail'), 403, 'INSUFFICIENT_SCOPE');
    await updateUser(gh.app.gatehouse.admin, uid, { roles: ['editor'] }, OPERATOR);
    assert.equal(await checked('reroled', auth), true);
    assert.equal((await call(auth, '/api/mail')).status, 200);
  });

  test('a change made through another context (the CLI’s store) forgets it too', async () => {
    const uid = await freshUser('elsewhere');
    const auth = header('elsewhere', PASSWORD);
    assert.equal(await checked('elsewhere', auth), true);
    await setUserPassword(gh.admin, uid, 'changed somewhere else', OPERATOR);
    assertDenied(await call(auth), 401, 'INVALID_CREDENTIALS');
  });
});
