// The read-through cache over users and clients follows the store's change notifications: its own
// process's writes are forgotten at once (a transaction's once it commits), another process's as
// soon as the change feed brings them, and at the latest after the TTL. On SQLite (a file) and
// PostgreSQL.
import assert from 'node:assert/strict';
import { CachingStore } from '../../src/store/caching-store.js';
import type { StoreChange } from '../../src/store/change-feed.js';
import type { Store, UserRepository } from '../../src/store/store.js';
import { describeOnEngines } from '../helpers/store-engines.js';

const newUser = (name: string) => ({
  name,
  mail: `${name.toLowerCase()}@example.com`,
  passHash: null,
  status: true,
  langcode: 'en',
  preferredLangcode: 'en',
  preferredAdminLangcode: null,
  timezone: 'UTC',
  init: null,
  roles: [] as string[],
});

const client = (clientId: string, label: string) => ({
  clientId,
  label,
  description: '',
  secretDigest: 'digest',
  confidential: true,
  grantTypes: ['client_credentials' as const],
  redirectUris: [],
  scopes: [],
  authorizationCodeScopes: [],
  userId: null,
  actAs: [],
  pkce: false,
  automaticAuthorization: false,
  rememberApproval: true,
  accessTokenExpiration: 300,
  refreshTokenExpiration: 1209600,
  refreshFamilyLifetime: 2592000,
  refreshReuseInterval: 0,
  status: true,
  created: 1,
  changed: 1,
});

/** Long enough that only a notification can explain a change being seen. */
const LONG_TTL = 60_000;

/** Polls until `check` is true; the ms it took (fails after 3 s). */
async function within(what: string, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    assert.ok(performance.now() - started < 3000, `${what}: not within 3 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - started;
}

describeOnEngines(
  'the cache',
  ({ it, before, stores }) => {
    let raw: Store;
    let other: Store;
    before(() => {
      ({ store: raw, other } = stores());
    });
    let n = 0;
    const fresh = (prefix: string) => `${prefix}${++n}${Date.now()}`;

    it('writes through the cache or the store beneath it are seen at once; another process after the TTL', async () => {
      const cached = new CachingStore(raw, 150);
      try {
        const ann = await cached.users.create(newUser(fresh('ann')));
        assert.equal((await cached.users.findById(ann.uid))?.status, true);
        const renamed = fresh('anne').toUpperCase();
        await cached.users.update(ann.uid, { status: false, name: renamed });
        assert.equal((await cached.users.findById(ann.uid))?.status, false, 'own write seen at once');
        assert.equal(await cached.users.findByName(ann.name), null, 'the old name is forgotten on rename');
        assert.equal((await cached.users.findByName(renamed.toLowerCase()))?.uid, ann.uid);

        await raw.users.update(ann.uid, { status: true });
        assert.equal((await cached.users.findById(ann.uid))?.status, true, 'a write through the store beneath is announced to the cache');

        await other.users.update(ann.uid, { status: false });
        assert.equal((await cached.users.findById(ann.uid))?.status, true, 'unheard, the cached value stands within the TTL');
        await new Promise((r) => setTimeout(r, 200));
        assert.equal((await cached.users.findById(ann.uid))?.status, false, 'after the TTL the other process is seen');

        assert.equal(await cached.clients.get(fresh('nope')), null, 'misses are not cached');
      } finally {
        cached.detach();
      }
    });

    it("a transaction's writes are told once it commits, and one rolled back tells nothing and leaves nothing cached", async () => {
      const cached = new CachingStore(raw, LONG_TTL);
      const heard: StoreChange[] = [];
      const stop = raw.onChange((change) => heard.push(change));
      try {
        const bea = await raw.users.create(newUser(fresh('bea')));
        const id = fresh('app');
        await raw.clients.create(client(id, 'before'));
        assert.equal((await cached.users.findById(bea.uid))?.status, true);
        assert.equal((await cached.clients.get(id))?.label, 'before');
        heard.length = 0;

        await cached.transaction(async (tx) => {
          await tx.users.update(bea.uid, { status: false });
          await tx.clients.update(client(id, 'after'));
          assert.deepEqual(heard, [], 'nothing is told before the commit');
        });
        assert.deepEqual(heard, [
          { topic: 'users', key: String(bea.uid) },
          { topic: 'clients', key: id },
        ]);
        assert.equal((await cached.users.findById(bea.uid))?.status, false, 'the committed user is read anew');
        assert.equal((await cached.clients.get(id))?.label, 'after', 'the committed client is read anew');

        heard.length = 0;
        await assert.rejects(
          cached.transaction(async (tx) => {
            await tx.users.update(bea.uid, { status: true });
            assert.equal((await tx.users.findById(bea.uid))?.status, true, 'the transaction sees its own write');
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assert.deepEqual(heard, [], 'a rolled-back transaction tells no one');
        assert.equal((await cached.users.findById(bea.uid))?.status, false, 'nothing read inside it was cached');
      } finally {
        stop();
        cached.detach();
      }
    });

    it('a transaction writing neither users nor clients (a refresh-token rotation) keeps the cache warm', async () => {
      const cached = new CachingStore(raw, LONG_TTL);
      try {
        const cal = await raw.users.create(newUser(fresh('cal')));
        const id = fresh('svc');
        await raw.clients.create(client(id, 'kept'));
        await cached.users.findById(cal.uid);
        await cached.clients.get(id);
        // changed underneath by another process, unheard: the cached values stand as long as they are kept
        await other.users.update(cal.uid, { status: false });
        await other.clients.update(client(id, 'changed elsewhere'));
        const now = Math.floor(Date.now() / 1000);
        const row = {
          digest: fresh('digest'),
          familyId: fresh('family'),
          clientId: id,
          userId: cal.uid,
          scopes: [],
          issuedAt: now,
          expiresAt: now + 60,
          accessJti: fresh('jti'),
          accessExpiresAt: now + 60,
          spentAt: null,
          revokedAt: null,
          familyStartedAt: now,
          successorSealed: null,
          reuseUntil: null,
        };
        await raw.refreshTokens.insert(row);
        await cached.transaction(async (tx) => {
          assert.ok(await tx.refreshTokens.spend(row.digest, now));
          await tx.refreshTokens.insert({ ...row, digest: fresh('digest'), accessJti: fresh('jti') });
        });
        assert.equal((await cached.users.findById(cal.uid))?.status, true, 'the user is still served from the cache');
        assert.equal((await cached.clients.get(id))?.label, 'kept', 'the client is still served from the cache');
      } finally {
        cached.detach();
      }
    });

    it('a read under way when a change is heard is returned but not kept', async () => {
      const dan = await raw.users.create(newUser(fresh('dan')));
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      // the store beneath, its findById held back after reading, as a slow database would
      const users: UserRepository = Object.assign(Object.create(raw.users) as UserRepository, {
        findById: async (uid: number) => {
          const found = await raw.users.findById(uid);
          await gate;
          return found;
        },
      });
      const slow = Object.assign(Object.create(raw) as Store, { users });
      const cached = new CachingStore(slow, LONG_TTL);
      try {
        const reading = cached.users.findById(dan.uid);
        await new Promise((r) => setTimeout(r, 50));
        await raw.users.update(dan.uid, { status: false });
        release();
        assert.equal((await reading)?.status, true, 'the read began before the change');
        assert.equal((await cached.users.findById(dan.uid))?.status, false, 'and was not kept');
      } finally {
        cached.detach();
      }
    });

    it("another process's change is heard through the change feed and forgotten at once", async () => {
      const cached = new CachingStore(raw, LONG_TTL);
      const heard: StoreChange[] = [];
      const stop = raw.onChange((change) => heard.push(change));
      // what a serving instance does (services.ts): follow the feed; the cache hears it through the store
      const unsubscribe = await raw.changes!.subscribe(
        () => undefined,
        () => undefined,
      );
      try {
        const eve = await raw.users.create(newUser(fresh('eve')));
        const id = fresh('web');
        await raw.clients.create(client(id, 'before'));
        assert.equal((await cached.users.findById(eve.uid))?.status, true);
        assert.equal((await cached.clients.get(id))?.label, 'before');
        heard.length = 0;

        await other.users.update(eve.uid, { status: false });
        await other.clients.update(client(id, 'after'));
        const userAfter = await within('the user', async () => (await cached.users.findById(eve.uid))?.status === false);
        const clientAfter = await within('the client', async () => (await cached.clients.get(id))?.label === 'after');
        assert.ok(userAfter < 1000 && clientAfter < 1000, `seen after ${Math.round(userAfter)} and ${Math.round(clientAfter)} ms`);
        if (raw.engine === 'postgres') {
          // NOTIFY says which: only that user and that client are dropped
          assert.ok(heard.some((c) => c.topic === 'users' && c.key === String(eve.uid)));
          assert.ok(heard.some((c) => c.topic === 'clients' && c.key === id));
        } else {
          // a change version says only which topic moved: the topic is dropped
          assert.ok(heard.some((c) => c.topic === 'users' && c.key === undefined));
          assert.ok(heard.some((c) => c.topic === 'clients' && c.key === undefined));
        }
      } finally {
        await unsubscribe();
        stop();
        cached.detach();
      }
    });
  },
  { changePollMs: 50 },
);
