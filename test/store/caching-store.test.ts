// The read-through cache over users and clients: its own writes are seen at once, another
// process's within the TTL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CachingStore } from '../../src/store/caching-store.js';
import { openStore } from '../../src/store/open-store.js';

test('own writes invalidate at once; another process is seen after the TTL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cache-'));
  const url = `sqlite:${join(dir, 'c.db')}`;
  const raw = await openStore(url);
  await raw.migrate();
  const other = await openStore(url);
  const cached = new CachingStore(raw, 150);
  try {
    const user = {
      name: 'Ann',
      mail: 'ann@example.com',
      passHash: null,
      status: true,
      langcode: 'en',
      preferredLangcode: 'en',
      preferredAdminLangcode: null,
      timezone: 'UTC',
      init: null,
      roles: [],
    };
    const ann = await cached.users.create(user);
    assert.equal((await cached.users.findById(ann.uid))?.status, true);
    await cached.users.update(ann.uid, { status: false, name: 'Anne' });
    assert.equal((await cached.users.findById(ann.uid))?.status, false, 'own write seen at once');
    assert.equal(await cached.users.findByName('ann'), null, 'the old name is forgotten on rename');
    assert.equal((await cached.users.findByName('ANNE'))?.uid, ann.uid);

    await other.users.update(ann.uid, { status: true });
    assert.equal((await cached.users.findById(ann.uid))?.status, false, 'within the TTL the cached value stands');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await cached.users.findById(ann.uid))?.status, true, 'after the TTL the other process is seen');

    await cached.users.findById(ann.uid);
    await cached.transaction((tx) => tx.users.update(ann.uid, { status: false }).then(() => undefined));
    assert.equal((await cached.users.findById(ann.uid))?.status, false, 'a transaction that wrote a user drops the cache');

    assert.equal(await cached.clients.get('nope'), null, 'misses are not cached');
  } finally {
    await other.close();
    await cached.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
