// test-engines: both
// The api_key gate method through /gate/check on real routes (issue 12 part 4): a key sent as
// X-API-Key or as miniOrange's Basic username:key; every answer code (unknown, malformed, revoked, expired → 401
// INVALID_CREDENTIALS; another user's name → 401; blocked user → 403 USER_BLOCKED; a key guesser →
// 429 TOO_MANY_ATTEMPTS + Retry-After); scoped keys reach only user ∩ scope permissions; a revoke
// or a block takes effect at once although verified keys are remembered; last use is recorded at
// most once a minute.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPERATOR } from '../../src/admin/actor.js';
import { createApiKey, revokeApiKey } from '../../src/admin/api-keys.js';
import { blockUser, createUser, unblockUser, updateUser } from '../../src/admin/users.js';
import { testConfig } from '../../src/config.js';
import { ADMIN_WORLD } from '../helpers/admin.js';
import { PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { setRoutes, startUpstream } from './recording-upstream.js';

let gh: Running;

/** Routes accepting keys (and Basic passwords), each asking for a different grant. */
const ROUTES = [
  { name: 'any', path: '/api/any', auth: ['api_key', 'basic'] },
  { name: 'profiles', path: '/api/profiles', auth: ['api_key', 'basic'], permission: 'access user profiles' },
  { name: 'mail', path: '/api/mail', auth: ['api_key', 'basic'], permission: 'view user email addresses' },
  { name: 'users', path: '/api/users', auth: ['api_key'], permission: 'administer users' },
  { name: 'scoped', path: '/api/scoped', auth: ['api_key'], scopes: ['profile:read'] },
  { name: 'tokens', path: '/api/tokens', auth: ['bearer'] },
];

before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD });
  await setRoutes(gh, ROUTES);
});
after(async () => {
  await gh.close();
});

const basicOf = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
/** /gate/check for GET `path`, as Caddy and Traefik ask it */
const check = (headers: Record<string, string>, path = '/api/any', url = gh.url) =>
  request(`${url}/gate/check`, { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': path, ...headers } });
const withKey = (key: string, path?: string) => check({ 'x-api-key': key }, path);
const withBasic = (user: string, key: string, path?: string) => check({ authorization: basicOf(user, key) }, path);

/** The routes of ROUTES that let the credential through. */
async function reaches(send: (path: string) => Promise<{ status: number; body: any }>): Promise<string[]> {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const res = await send(route.path);
    if (res.status === 200) allowed.push(route.name);
    else
      assert.ok(
        res.status === 403 ? res.body.error === 'INSUFFICIENT_SCOPE' : res.body.error === 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE',
        JSON.stringify(res.body),
      );
  }
  return allowed;
}

async function keyFor(name: string, input: { label?: string; expiresInDays?: number; scopes?: string[] } = {}) {
  const user = (await gh.store.users.findByName(name))!;
  return createApiKey(gh.admin, user.uid, input, OPERATOR);
}

function assertDenied(res: { status: number; body: any; headers: Headers }, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error, code);
  if (status === 401) assert.equal(res.headers.get('www-authenticate'), 'Basic realm="gatehouse"');
}

describe('a valid key', () => {
  test('X-API-Key and Basic username:key both prove the key’s user, with all their permissions when unscoped', async () => {
    const { key, apiKey } = await keyFor('alice', { label: 'ci' });
    assert.match(key, /^ghk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.slice(4, 16), apiKey.id);
    for (const res of [await withKey(key), await withBasic('alice', key), await withBasic('ALICE', key)]) {
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('x-gatehouse-auth-method'), 'api_key');
      assert.equal(res.headers.get('x-gatehouse-user-name'), 'alice');
      assert.equal(res.headers.get('x-gatehouse-route'), 'any');
      assert.equal(res.headers.get('x-gatehouse-client-id'), null);
      assert.equal(res.headers.get('x-gatehouse-scopes'), '');
    }
    assert.deepEqual(await reaches((path) => withKey(key, path)), ['any', 'profiles', 'mail']);
    assert.deepEqual(await reaches((path) => withBasic('alice', key, path)), ['any', 'profiles', 'mail']);
  });

  test('a scoped key reaches only the user’s permissions ∩ its scopes’, never more than its user', async () => {
    const { key } = await keyFor('alice', { scopes: ['profile:read'] });
    assert.equal((await withKey(key)).headers.get('x-gatehouse-scopes'), 'profile:read');
    assert.deepEqual(await reaches((path) => withKey(key, path)), ['any', 'profiles', 'scoped']);
    // bob holds no role: a key scoped to administer users gives him nothing of it
    const bobs = await keyFor('bob', { scopes: ['users:admin', 'mail:read'] });
    assert.equal((await withKey(bobs.key)).headers.get('x-gatehouse-scopes'), 'mail:read users:admin');
    assert.deepEqual(await reaches((path) => withKey(bobs.key, path)), ['any']);
    const denied = await withKey(bobs.key, '/api/users');
    assert.match(denied.body.error_description, /administer users/);
  });

  test('new roles show at the next request, though the key is remembered', async () => {
    await createUser(gh.admin, { name: 'erin', mail: 'erin@example.com', password: PASSWORD, roles: [] }, OPERATOR);
    const { key } = await keyFor('erin');
    assert.deepEqual(await reaches((path) => withKey(key, path)), ['any']);
    const erin = (await gh.store.users.findByName('erin'))!;
    await updateUser(gh.app.gatehouse.admin, erin.uid, { roles: ['viewer'] }, OPERATOR);
    assert.deepEqual(await reaches((path) => withKey(key, path)), ['any', 'profiles']);
  });
});

describe('refused keys', () => {
  test('no credential: 401 MISSING_AUTHORIZATION_HEADER; a key on a bearer-only route: 401 naming what it accepts', async () => {
    assertDenied(await check({}), 401, 'MISSING_AUTHORIZATION_HEADER');
    const { key } = await keyFor('alice');
    const res = await withKey(key, '/api/tokens');
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE');
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
  });

  test('unknown, malformed and tampered keys: 401 INVALID_CREDENTIALS with the Basic challenge', async () => {
    const { key } = await keyFor('alice');
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    for (const presented of [tampered, `ghk_${'a'.repeat(12)}_${'b'.repeat(43)}`, 'ghk_short', 'not-a-key', `${key}x`]) {
      assertDenied(await withKey(presented), 401, 'INVALID_CREDENTIALS');
    }
    assertDenied(await withBasic('alice', tampered), 401, 'INVALID_CREDENTIALS');
  });

  test('Basic with another user’s name: 401 INVALID_CREDENTIALS', async () => {
    const { key } = await keyFor('alice');
    assertDenied(await withBasic('bob', key), 401, 'INVALID_CREDENTIALS');
    assertDenied(await withBasic('nobody', key), 401, 'INVALID_CREDENTIALS');
  });

  test('revoked: refused at once, even right after a success', async () => {
    const { key, apiKey } = await keyFor('alice');
    assert.equal((await withKey(key)).status, 200);
    await revokeApiKey(gh.app.gatehouse.admin, apiKey.id, OPERATOR);
    assertDenied(await withKey(key), 401, 'INVALID_CREDENTIALS');
    assertDenied(await withBasic('alice', key), 401, 'INVALID_CREDENTIALS');
  });

  test('revoked through another context (the CLI’s): the store’s change notification reaches the gate', async () => {
    const { key, apiKey } = await keyFor('alice');
    assert.equal((await withKey(key)).status, 200);
    await revokeApiKey(gh.admin, apiKey.id, OPERATOR);
    assertDenied(await withKey(key), 401, 'INVALID_CREDENTIALS');
  });

  test('expired: accepted until its day, refused after', async () => {
    const { key, apiKey } = await keyFor('alice', { expiresInDays: 1 });
    assert.equal((await withKey(key)).status, 200);
    gh.clock.advance(86_400 - 5);
    assert.equal((await withKey(key)).status, 200);
    gh.clock.advance(10);
    assertDenied(await withKey(key), 401, 'INVALID_CREDENTIALS');
    assert.equal((await gh.store.apiKeys.get(apiKey.id))!.revokedAt, null);
  });

  test('blocked user: 403 USER_BLOCKED at once; unblocked: accepted again', async () => {
    await createUser(gh.admin, { name: 'dave', mail: 'dave@example.com', password: PASSWORD, roles: ['viewer'] }, OPERATOR);
    const dave = (await gh.store.users.findByName('dave'))!;
    const { key } = await keyFor('dave');
    assert.equal((await withKey(key)).status, 200);
    await blockUser(gh.app.gatehouse.admin, dave.uid, OPERATOR);
    assertDenied(await withKey(key), 403, 'USER_BLOCKED');
    assertDenied(await withBasic('dave', key), 403, 'USER_BLOCKED');
    await unblockUser(gh.app.gatehouse.admin, dave.uid, OPERATOR);
    assert.equal((await withKey(key)).status, 200);
  });

  test('a key of a user blocked before its first use: 403 USER_BLOCKED (carol is blocked in the seed)', async () => {
    const { key } = await keyFor('carol');
    assertDenied(await withKey(key), 403, 'USER_BLOCKED');
  });
});

describe('last use', () => {
  test('recorded at the first use, then at most once a minute', async () => {
    const { key, apiKey } = await keyFor('bob');
    const lastUsed = async () => (await gh.store.apiKeys.get(apiKey.id))!.lastUsedAt;
    const settle = async (want: (v: number | null) => boolean) => {
      for (let i = 0; i < 100 && !want(await lastUsed()); i++) await new Promise((r) => setTimeout(r, 20));
      return lastUsed();
    };
    assert.equal(await lastUsed(), null);
    assert.equal((await withKey(key)).status, 200);
    const first = await settle((v) => v !== null);
    assert.equal(first, Math.floor(gh.clock.now() / 1000));
    gh.clock.advance(30);
    assert.equal((await withKey(key)).status, 200);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await lastUsed(), first, 'not written again within a minute');
    gh.clock.advance(31);
    assert.equal((await withKey(key)).status, 200);
    assert.equal(await settle((v) => v !== first), first! + 61);
  });
});

describe('flood control', () => {
  test('a key guesser meets 429 TOO_MANY_ATTEMPTS with Retry-After; a right key gives its attempt back', async () => {
    const base = testConfig();
    const small = await startGatehouse({ world: ADMIN_WORLD, config: { flood: { ...base.flood, ipLimit: 3 } } });
    try {
      await setRoutes(small, [{ name: 'keyed', path: '/keyed', auth: ['api_key'] }]);
      const bob = (await small.store.users.findByName('bob'))!;
      const good = await createApiKey(small.admin, bob.uid, {}, OPERATOR);
      const other = await createApiKey(small.admin, bob.uid, {}, OPERATOR);
      const use = (key: string) => check({ 'x-api-key': key }, '/keyed', small.url);
      // right keys, however many, are no failures
      for (let i = 0; i < 4; i++) assert.equal((await use(good.key)).status, 200);
      for (let i = 0; i < 3; i++) assertDenied(await use(`ghk_${String(i).padStart(12, '0')}_${'x'.repeat(43)}`), 401, 'INVALID_CREDENTIALS');
      const refused = await use(`ghk_${'9'.repeat(12)}_${'x'.repeat(43)}`);
      assertDenied(refused, 429, 'TOO_MANY_ATTEMPTS');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      // a key never checked before is refused too while the address is blocked
      assertDenied(await use(other.key), 429, 'TOO_MANY_ATTEMPTS');
      small.clock.advance(small.config.flood.ipWindow + 1);
      assert.equal((await use(other.key)).status, 200);
    } finally {
      await small.close();
    }
  });
});

describe('through the built-in proxy', () => {
  test('the upstream gets the key’s user and method, never the key', async () => {
    const upstream = await startUpstream();
    try {
      await setRoutes(gh, [...ROUTES, { name: 'proxied', path: '/proxied', upstream: upstream.url, auth: ['api_key'] }]);
      const { key } = await keyFor('alice', { scopes: ['profile:read'] });
      const shapes: Record<string, string>[] = [{ 'x-api-key': key }, { authorization: basicOf('alice', key) }];
      for (const headers of shapes) {
        upstream.received.length = 0;
        const res = await request(`${gh.url}/proxied/items`, { headers });
        assert.equal(res.status, 200, res.text);
        const got = upstream.received[0]!;
        assert.equal(got.headers['x-gatehouse-user-name'], 'alice');
        assert.equal(got.headers['x-gatehouse-auth-method'], 'api_key');
        assert.equal(got.headers['x-gatehouse-scopes'], 'profile:read');
        assert.equal(got.headers['x-api-key'], undefined);
        assert.equal(got.headers.authorization, undefined);
        assert.ok(!JSON.stringify(got.headers).includes(key.slice(17)), 'the key reaches no upstream header');
      }
      const refused = await request(`${gh.url}/proxied/items`, { headers: { 'x-api-key': `ghk_${'0'.repeat(12)}_${'y'.repeat(43)}` } });
      assertDenied(refused, 401, 'INVALID_CREDENTIALS');
    } finally {
      await setRoutes(gh, ROUTES);
      await upstream.close();
    }
  });
});
