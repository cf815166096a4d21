// The passkey tables (migration 019) on SQLite and PostgreSQL: a credential id is registered once,
// a use counts only against the counter it was checked with, a user touches only their own
// credentials, an administrator's reset removes them all, and a challenge is taken once, unexpired.
import assert from 'node:assert/strict';
import type { Store, WebAuthnCredentialRow } from '../../src/store/store.js';
import { describeOnEngines } from '../helpers/store-engines.js';

const newUser = (name: string) => ({
  name,
  mail: `${name}@example.com`,
  passHash: null,
  status: true,
  langcode: 'en',
  preferredLangcode: 'en',
  preferredAdminLangcode: null,
  timezone: 'UTC',
  init: null,
  roles: [] as string[],
});

const credential = (id: string, userId: number, extra: Partial<WebAuthnCredentialRow> = {}): WebAuthnCredentialRow => ({
  id,
  userId,
  publicKey: 'cHVibGlj',
  counter: 0,
  transports: ['internal', 'hybrid'],
  deviceType: 'singleDevice',
  backedUp: false,
  name: `key ${id}`,
  createdAt: 1000,
  lastUsedAt: null,
  ...extra,
});

describeOnEngines('passkey storage', ({ it, before, stores }) => {
  let store: Store;
  let ann: number;
  let ben: number;
  before(async () => {
    store = stores().store;
    ann = (await store.users.create(newUser('ann'))).uid;
    ben = (await store.users.create(newUser('ben'))).uid;
  });

  it('stores a credential and reads it back, and refuses a second registration of its id', async () => {
    assert.equal(await store.webauthnCredentials.insert(credential('cred-a1', ann, { counter: 7, deviceType: 'multiDevice', backedUp: true })), true);
    assert.deepEqual(await store.webauthnCredentials.get('cred-a1'), credential('cred-a1', ann, { counter: 7, deviceType: 'multiDevice', backedUp: true }));
    assert.equal(await store.webauthnCredentials.insert(credential('cred-a1', ben)), false);
    assert.equal((await store.webauthnCredentials.get('cred-a1'))?.userId, ann);
    assert.equal(await store.webauthnCredentials.get('nope\u0000'), null);
  });

  it('counts a use only against the counter it was checked with', async () => {
    await store.webauthnCredentials.insert(credential('cred-a2', ann, { counter: 3 }));
    const [first, second] = await Promise.all([
      store.webauthnCredentials.recordUse('cred-a2', 3, 4, false, 2000),
      store.webauthnCredentials.recordUse('cred-a2', 3, 4, false, 2000),
    ]);
    assert.deepEqual([first, second].sort(), [false, true]);
    const row = await store.webauthnCredentials.get('cred-a2');
    assert.equal(row?.counter, 4);
    assert.equal(row?.lastUsedAt, 2000);
  });

  it('renames and removes only the owner’s credential', async () => {
    await store.webauthnCredentials.insert(credential('cred-a3', ann, { createdAt: 1001 }));
    assert.equal(await store.webauthnCredentials.rename(ben, 'cred-a3', 'stolen'), false);
    assert.equal(await store.webauthnCredentials.delete(ben, 'cred-a3'), false);
    assert.equal(await store.webauthnCredentials.rename(ann, 'cred-a3', 'Laptop'), true);
    assert.equal((await store.webauthnCredentials.get('cred-a3'))?.name, 'Laptop');
    assert.equal(await store.webauthnCredentials.delete(ann, 'cred-a3'), true);
    assert.equal(await store.webauthnCredentials.get('cred-a3'), null);
  });

  it('lists a user’s credentials, and removes them all for a reset', async () => {
    await store.webauthnCredentials.insert(credential('cred-b1', ben));
    assert.deepEqual(
      (await store.webauthnCredentials.listByUser(ann)).map((c) => c.id),
      ['cred-a1', 'cred-a2'],
    );
    assert.equal(await store.webauthnCredentials.deleteAllForUser(ann), 2);
    assert.deepEqual(await store.webauthnCredentials.listByUser(ann), []);
    assert.equal((await store.webauthnCredentials.listByUser(ben)).length, 1);
  });

  it('gives a challenge to one taker only, and never once expired', async () => {
    await store.webauthnChallenges.insert({ handleDigest: 'h1', purpose: 'login', userId: null, challenge: 'abc', expiresAt: 5000 });
    const takes = await Promise.all([store.webauthnChallenges.take('h1', 1000), store.webauthnChallenges.take('h1', 1000)]);
    assert.deepEqual(
      takes.filter((t) => t !== null),
      [{ handleDigest: 'h1', purpose: 'login', userId: null, challenge: 'abc', expiresAt: 5000 }],
    );
    await store.webauthnChallenges.insert({ handleDigest: 'h2', purpose: 'register', userId: ann, challenge: 'def', expiresAt: 5000 });
    assert.equal(await store.webauthnChallenges.take('h2', 5000), null);
    assert.equal(await store.webauthnChallenges.take('h2', 1000), null, 'an expired take removed it');
    assert.equal(await store.webauthnChallenges.take('h\u0000', 1000), null);
  });

  it('cleanup removes challenges never taken once expired', async () => {
    await store.webauthnChallenges.insert({ handleDigest: 'h3', purpose: 'login', userId: null, challenge: 'x', expiresAt: 100 });
    assert.equal(await store.cleanup.deleteExpired('webauthn_challenges', 200, 100), 1);
  });
});
