// The statements a rotation and a code exchange run on better-sqlite3 directly
// (src/store/sqlite-direct.ts) never land inside another caller's open transaction: SQLite has one
// connection per process, and a transaction holds it across awaits. A read from outside waits
// for that transaction and sees only what it committed; inside its own transaction a caller sees
// its own writes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import type { RefreshTokenRow, Store } from '../../src/store/store.js';

const token = (digest: string): RefreshTokenRow => ({
  digest,
  familyId: `family-${digest}`,
  clientId: 'c1',
  userId: 1,
  scopes: ['a'],
  issuedAt: 1,
  expiresAt: 2_000_000_000,
  accessJti: `jti-${digest}`,
  accessExpiresAt: 2_000_000_000,
  spentAt: null,
  revokedAt: null,
  familyStartedAt: 1,
  resource: null,
  successorSealed: null,
  reuseUntil: null,
});

/** Turns of the event loop until `done()`, failing after a bounded number rather than spinning. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(done(), what);
}

let dir: string;
let store: Store;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gh-direct-'));
  store = await openStore(`sqlite:${join(dir, 'gh.db')}`);
  await store.migrate();
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a read from outside waits for an open transaction and never sees its uncommitted spend', async () => {
  await store.refreshTokens.insert(token('outside'));
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let spentInside = false;
  const transaction = store
    .transaction(async (tx) => {
      spentInside = await tx.refreshTokens.spend('outside', 100);
      // inside, the transaction's own write is visible to it
      assert.equal((await tx.refreshTokens.findByDigest('outside'))?.spentAt, 100);
      await held;
      throw new Error('rolled back');
    })
    .catch((error: Error) => error.message);
  await until(() => spentInside, 'the transaction began and spent');
  let readDone = false;
  const read = store.refreshTokens.findByDigest('outside').then((row) => {
    readDone = true;
    return row;
  });
  try {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(readDone, false, 'the outside read waits for the connection');
  } finally {
    release();
  }
  assert.equal(await transaction, 'rolled back');
  assert.equal((await read)?.spentAt, null, 'it sees the token unspent: the spend was never committed');
});

test('a spend and an insert from outside wait too, and then apply', async () => {
  await store.refreshTokens.insert(token('queued'));
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let began = false;
  const transaction = store.transaction(async (tx) => {
    await tx.refreshTokens.findByDigest('queued');
    began = true;
    await held;
  });
  await until(() => began, 'the transaction began');
  const spend = store.refreshTokens.spend('queued', 200);
  const insert = store.refreshTokens.insert(token('queued-next'));
  release();
  await transaction;
  assert.equal(await spend, true);
  await insert;
  assert.equal((await store.refreshTokens.findByDigest('queued'))?.spentAt, 200);
  assert.equal((await store.refreshTokens.findByDigest('queued-next'))?.familyId, 'family-queued-next');
  // a second spend finds it spent
  assert.equal(await store.refreshTokens.spend('queued', 300), false);
});

test('authorization codes: read by digest and spent once, on the direct path', async () => {
  const code = {
    digest: 'code-1',
    clientId: 'c1',
    userId: 1,
    redirectUri: 'https://app.example/cb',
    redirectUriGiven: true,
    scopes: ['api'],
    codeChallenge: 'challenge',
    codeChallengeMethod: 'S256',
    nonce: null,
    authTime: 1,
    issuedAt: 1,
    issuedMs: 1000,
    expiresAt: 2_000_000_000,
    usedAt: null,
    familyId: null,
    accessJti: null,
    accessExpiresAt: null,
    claims: null,
    resource: null,
    amr: ['pwd' as const],
  };
  await store.codes.insert(code);
  assert.deepEqual(await store.codes.findByDigest('code-1'), code);
  const issued = { familyId: 'fam', accessJti: 'jti', accessExpiresAt: 99 };
  const [first, second] = await Promise.all([
    store.codes.exchange('code-1', 50, issued, token('from-code')),
    store.codes.exchange('code-1', 51, issued, token('from-code-again')),
  ]);
  assert.deepEqual([first, second], [true, false], 'one of two concurrent exchanges wins');
  assert.equal((await store.codes.findByDigest('code-1'))?.usedAt, 50);
  assert.ok(await store.refreshTokens.findByDigest('from-code'));
  assert.equal(await store.refreshTokens.findByDigest('from-code-again'), null, 'the loser inserted nothing');
});
