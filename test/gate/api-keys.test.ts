// test-engines: both
// The api_key gate method over HTTP (issue 12 part 4): a key sent as X-API-Key or as miniOrange's
// Basic username:key; every answer code (unknown, malformed, revoked, expired → 401
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
import { startProbe, type Probe } from '../helpers/gate-probe.js';
import { PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let probe: Probe;

before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD });
  probe = await startProbe(gh, ['api_key', 'basic']);
});
after(async () => {
  await probe.close();
  await gh.close();
});

const basicOf = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
const withKey = (key: string) => request(probe.url, { headers: { 'x-api-key': key } });
const withBasic = (user: string, key: string) => request(probe.url, { headers: { authorization: basicOf(user, key) } });

async function keyFor(name: string, input: { label?: string; expiresInDays?: number; scopes?: string[] } = {}) {
  const user = (await gh.store.users.findByName(name))!;
  return createApiKey(gh.admin, user.uid, input, OPERATOR);
}

function assertDenied(res: { status: number; body: any; headers: Headers }, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error, code);
  if (status === 401) assert.match(res.headers.get('www-authenticate') ?? '', /Basic realm="gatehouse"/);
}

describe('a valid key', () => {
  test('X-API-Key and Basic username:key both prove the key’s user, with all their permissions when unscoped', async () => {
    const { key, apiKey } = await keyFor('alice', { label: 'ci' });
    assert.match(key, /^ghk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.slice(4, 16), apiKey.id);
    for (const res of [await withKey(key), await withBasic('alice', key), await withBasic('ALICE', key)]) {
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.method, 'api_key');
      assert.equal(res.body.userName, 'alice');
      assert.equal(res.body.clientId, null);
      assert.deepEqual(res.body.scopes, []);
      assert.deepEqual(res.body.permissions, ['access user profiles', 'view user email addresses']);
    }
  });

  test('a scoped key reaches only the user’s permissions ∩ its scopes’, never more than its user', async () => {
    const { key } = await keyFor('alice', { scopes: ['profile:read'] });
    const res = await withKey(key);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.scopes, ['profile:read']);
    assert.deepEqual(res.body.permissions, ['access user profiles']);
    // bob holds no role: a key scoped to administer users gives him nothing
    const bobs = await keyFor('bob', { scopes: ['users:admin', 'mail:read'] });
    const bob = await withKey(bobs.key);
    assert.equal(bob.status, 200);
    assert.deepEqual(bob.body.permissions, []);
    assert.equal(bob.body.all, false);
  });

  test('new roles show at the next request, though the key is remembered', async () => {
    await createUser(gh.admin, { name: 'erin', mail: 'erin@example.com', password: PASSWORD, roles: [] }, OPERATOR);
    const { key } = await keyFor('erin');
    assert.deepEqual((await withKey(key)).body.permissions, []);
    const erin = (await gh.store.users.findByName('erin'))!;
    await updateUser(gh.app.gatehouse.admin, erin.uid, { roles: ['viewer'] }, OPERATOR);
    assert.deepEqual((await withKey(key)).body.permissions, ['access user profiles']);
  });
});

describe('refused keys', () => {
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
    const smallProbe = await startProbe(small, ['api_key']);
    try {
      const bob = (await small.store.users.findByName('bob'))!;
      const good = await createApiKey(small.admin, bob.uid, {}, OPERATOR);
      const other = await createApiKey(small.admin, bob.uid, {}, OPERATOR);
      const use = (key: string) => request(smallProbe.url, { headers: { 'x-api-key': key } });
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
      await smallProbe.close();
      await small.close();
    }
  });
});
