// The one Store implementation on each engine: SQLite in memory, SQLite in a file, PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../../src/domain/client.js';
import { ManualClock } from '../../src/clock.js';
import { ensureSigningKeys } from '../../src/oauth/signing-keys.js';
import { openStore } from '../../src/store/open-store.js';
import { isWriteConflict } from '../../src/store/write-conflict.js';
import type { Store } from '../../src/store/store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';

function client(id: string, fields: Partial<Client> = {}): Client {
  return {
    clientId: id,
    label: id,
    description: '',
    secretDigest: 'digest',
    confidential: true,
    grantTypes: ['client_credentials'],
    redirectUris: [],
    scopes: ['a', 'b'],
    authorizationCodeScopes: [],
    userId: null,
    actAs: [],
    tokenEndpointAuthMethod: null,
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
    ...fields,
  };
}

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

/** `another` opens a second store over the same database (another connection, as another process would). */
type OpenedStore = { store: Store; cleanup: () => Promise<void>; another?: () => Promise<Store> };

function storeSuite(engine: string, open: () => Promise<OpenedStore>, skip: () => Promise<false | string> = async () => false): void {
  describe(`store on ${engine}`, async () => {
    const reason = await skip();
    let store: Store;
    let cleanup: () => Promise<void>;
    let another: OpenedStore['another'];
    before(async () => {
      if (reason) return;
      ({ store, cleanup, another } = await open());
      await store.migrate();
    });
    after(async () => {
      if (!reason) await cleanup();
    });
    const it = (name: string, fn: () => Promise<void>) => test(name, { skip: reason || false }, fn);

    it('migrating twice is a no-op; uid 0 and the built-in roles exist', async () => {
      await store.migrate();
      const anonymous = await store.users.findById(0);
      assert.equal(anonymous?.status, false);
      assert.deepEqual(
        (await store.roles.list()).map((r) => r.id),
        ['administrator', 'authenticated'],
      );
      assert.equal((await store.roles.get('administrator'))?.isAdmin, true);
      assert.equal(await store.users.count(), 0);
    });

    it('the first user gets uid 1; names are unique regardless of case', async () => {
      const first = await store.users.create({ ...newUser('Alice'), roles: ['administrator'] });
      assert.equal(first.uid, 1);
      assert.deepEqual(first.roles, ['administrator']);
      assert.match(first.uuid, /^[0-9a-f-]{36}$/);
      assert.equal((await store.users.findByName('ALICE'))?.uid, 1);
      assert.equal((await store.users.findByMail('alice@example.com'))?.uid, 1);
      await assert.rejects(store.users.create(newUser('alice')));
      const second = await store.users.create(newUser('Bob'));
      // PostgreSQL sequences are not transactional: the refused insert may have used up uid 2
      assert.ok(second.uid > first.uid);
      assert.equal(await store.users.count(), 2);
    });

    it('update patches fields and roles; blockedIds lists blocked accounts', async () => {
      const bob = (await store.users.findByName('bob'))!;
      const updated = await store.users.update(bob.uid, { status: false, roles: ['administrator'], timezone: 'Europe/Paris', login: 123 });
      assert.equal(updated.status, false);
      assert.deepEqual(updated.roles, ['administrator']);
      assert.equal(updated.timezone, 'Europe/Paris');
      assert.equal(updated.login, 123);
      assert.deepEqual(await store.users.blockedIds(), [bob.uid]);
      assert.equal(await store.users.findById(999), null);
    });

    it('roles and scopes upsert', async () => {
      await store.roles.upsert({ id: 'editor', label: 'Editor', permissions: ['x', 'y'], isAdmin: false });
      await store.roles.upsert({ id: 'editor', label: 'Editors', permissions: ['x'], isAdmin: false });
      assert.deepEqual(await store.roles.get('editor'), { id: 'editor', label: 'Editors', permissions: ['x'], isAdmin: false, mfaRequired: false });
      const scope = {
        name: 'a:read',
        description: 'A',
        grantTypes: ['password' as const],
        umbrella: false,
        parent: null,
        granularity: 'permission' as const,
        permission: 'x',
        role: null,
      };
      await store.scopes.upsert(scope);
      await store.scopes.upsert({ ...scope, description: 'A2' });
      assert.deepEqual(await store.scopes.get('a:read'), { ...scope, description: 'A2' });
      assert.equal((await store.scopes.list()).length, 1);
    });

    it('roles and scopes delete; a role names its holders', async () => {
      await store.roles.upsert({ id: 'doomed', label: 'Doomed', permissions: [], isAdmin: false });
      const carol = await store.users.create({ ...newUser('Carol'), roles: ['doomed'] });
      const dan = await store.users.create({ ...newUser('dan'), roles: ['doomed', 'editor'] });
      assert.deepEqual(await store.roles.holders('doomed', 10), { names: ['Carol', 'dan'], total: 2 });
      assert.deepEqual(await store.roles.holders('doomed', 1), { names: ['Carol'], total: 2 });
      assert.deepEqual(await store.roles.holders('nobody-has-it', 10), { names: [], total: 0 });
      assert.deepEqual(await store.roles.holders('doo\u0000med', 10), { names: [], total: 0 });
      assert.equal(await store.roles.delete('doomed'), true);
      assert.equal(await store.roles.get('doomed'), null);
      assert.deepEqual((await store.users.findById(carol.uid))!.roles, [], 'the assignment went with the role');
      assert.deepEqual((await store.users.findById(dan.uid))!.roles, ['editor']);
      assert.equal(await store.roles.delete('doomed'), false);
      assert.equal(await store.roles.delete('doo\u0000med'), false);

      await store.scopes.upsert({
        name: 'b:gone',
        description: 'B',
        grantTypes: ['password'],
        umbrella: false,
        parent: null,
        granularity: 'permission',
        permission: 'x',
        role: null,
      });
      assert.equal(await store.scopes.delete('b:gone'), true);
      assert.equal(await store.scopes.get('b:gone'), null);
      assert.equal(await store.scopes.delete('b:gone'), false);
      assert.equal(await store.scopes.delete('b\u0000'), false);
      assert.ok(await store.scopes.get('a:read'), 'the other scope stays');
    });
    it('clients round-trip every field', async () => {
      const c = client('c1', {
        userId: 1,
        actAs: [2, 3],
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['https://a/cb'],
        pkce: true,
        confidential: false,
        secretDigest: null,
      });
      await store.clients.create(c);
      assert.deepEqual(await store.clients.get('c1'), c);
      await store.clients.update({ ...c, label: 'renamed', status: false, actAs: '*' });
      assert.equal((await store.clients.get('c1'))?.label, 'renamed');
      assert.equal((await store.clients.get('c1'))?.status, false);
      assert.equal((await store.clients.get('c1'))?.actAs, '*');
      assert.equal(await store.clients.get('nope'), null);
      await assert.rejects(store.clients.create(c), 'client ids are unique');
    });

    it('refresh tokens: spend once, revoke a family', async () => {
      const base = {
        familyId: 'f1',
        clientId: 'c1',
        userId: 1,
        scopes: ['a'],
        issuedAt: 1,
        expiresAt: 2_000_000_000,
        accessJti: 'j',
        accessExpiresAt: 2_000_000_000,
        spentAt: null,
        revokedAt: null,
        familyStartedAt: 1,
        successorSealed: null,
        reuseUntil: null,
      };
      await store.refreshTokens.insert({ ...base, digest: 'd1' });
      await store.refreshTokens.insert({ ...base, digest: 'd2', accessJti: 'j2' });
      assert.equal(await store.refreshTokens.spend('d1', 5), true);
      assert.equal(await store.refreshTokens.spend('d1', 6), false);
      assert.equal((await store.refreshTokens.findByDigest('d1'))?.spentAt, 5);
      const family = await store.refreshTokens.revokeFamily('f1', 7);
      assert.deepEqual(family.map((r) => r.accessJti).sort(), ['j', 'j2']);
      assert.equal(await store.refreshTokens.spend('d2', 8), false, 'revoked tokens cannot be spent');
      await store.refreshTokens.insert({ ...base, digest: 'd3', familyId: 'f2' });
      assert.equal(await store.refreshTokens.revokeByUser(1, 9), 1);
      await store.refreshTokens.insert({ ...base, digest: 'd4', familyId: 'f3' });
      assert.equal(await store.refreshTokens.revokeByClient('c1', 9), 1);
    });

    it('transactions sharing a commit: each stands alone — a failed one is undone, a token spent twice in a group is spent once', async () => {
      const base = {
        familyId: 'g',
        clientId: 'c1',
        userId: 1,
        scopes: ['a'],
        issuedAt: 1,
        expiresAt: 2_000_000_000,
        accessJti: 'j',
        accessExpiresAt: 2_000_000_000,
        spentAt: null,
        revokedAt: null,
        familyStartedAt: 1,
        successorSealed: null,
        reuseUntil: null,
      };
      await store.refreshTokens.insert({ ...base, digest: 'g1' });
      await store.refreshTokens.insert({ ...base, digest: 'g2' });
      const told: string[] = [];
      const stop = store.onChange((change) => told.push(change.topic));
      const shared = { shareCommit: true };
      // started in one turn of the event loop: on SQLite, one group, in this order
      const outcomes = await Promise.allSettled([
        store.transaction(async (tx) => {
          const spent = await tx.refreshTokens.spend('g1', 5);
          if (spent) await tx.refreshTokens.insert({ ...base, digest: 'g1-next' });
          await tx.roles.upsert({ id: 'grouped', label: 'Grouped', permissions: [], isAdmin: false });
          return spent;
        }, shared),
        store.transaction(async (tx) => {
          const spent = await tx.refreshTokens.spend('g1', 6);
          if (spent) await tx.refreshTokens.insert({ ...base, digest: 'g1-twice' });
          return spent;
        }, shared),
        store.transaction(async (tx) => {
          await tx.refreshTokens.spend('g2', 7);
          await tx.roles.upsert({ id: 'undone', label: 'Undone', permissions: [], isAdmin: false });
          throw new Error('boom');
        }, shared),
        store.transaction(async (tx) => tx.refreshTokens.spend('g2', 8), shared),
      ]);
      stop();
      assert.deepEqual(
        outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
        [true, false, 'boom', true],
      );
      assert.equal((await store.refreshTokens.findByDigest('g1'))?.spentAt, 5);
      assert.ok(await store.refreshTokens.findByDigest('g1-next'));
      assert.equal(await store.refreshTokens.findByDigest('g1-twice'), null);
      // the failed member's spend was undone, so the one after it spent the token
      assert.equal((await store.refreshTokens.findByDigest('g2'))?.spentAt, 8);
      assert.ok(await store.roles.get('grouped'));
      assert.equal(await store.roles.get('undone'), null);
      assert.deepEqual(told, ['catalog'], 'only what committed is announced (one role change)');
    });

    it('concurrent spends of one token: exactly one wins', async () => {
      const base = {
        familyId: 'race',
        clientId: 'c1',
        userId: 1,
        scopes: [],
        issuedAt: 1,
        expiresAt: 2_000_000_000,
        accessJti: 'r',
        accessExpiresAt: 1,
        spentAt: null,
        revokedAt: null,
        familyStartedAt: 1,
        successorSealed: null,
        reuseUntil: null,
      };
      await store.refreshTokens.insert({ ...base, digest: 'race' });
      const results = await Promise.all(Array.from({ length: 8 }, () => store.refreshTokens.spend('race', 10)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('a rotation spends and inserts in one, or neither: of concurrent rotations exactly one lands', async () => {
      const base = {
        familyId: 'rot',
        clientId: 'c-rot',
        userId: 41,
        scopes: ['a', 'b'],
        issuedAt: 1,
        expiresAt: 2_000_000_000,
        accessJti: 'r0',
        accessExpiresAt: 5,
        spentAt: null,
        revokedAt: null,
        familyStartedAt: 1,
        successorSealed: null,
        reuseUntil: null,
        resource: null,
      };
      await store.refreshTokens.insert({ ...base, digest: 'rot0' });
      const next = (i: number) => ({ ...base, digest: `rot1-${i}`, accessJti: `r1-${i}`, issuedAt: 10, resource: 'https://api.example' });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.refreshTokens.rotate('rot0', 10, { sealed: `s${i}`, until: 2_000_000_000 }, next(i))),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      const spent = await store.refreshTokens.findByDigest('rot0');
      assert.equal(spent?.spentAt, 10);
      assert.equal(spent?.successorSealed, `s${winner}`, 'the successor sealed is the winner’s');
      assert.deepEqual(await store.refreshTokens.findByDigest(`rot1-${winner}`), { ...next(winner), successorSealed: null, reuseUntil: null });
      for (let i = 0; i < 8; i++)
        if (i !== winner) assert.equal(await store.refreshTokens.findByDigest(`rot1-${i}`), null, 'a losing rotation inserts nothing');
      // a revoked token neither rotates nor yields a successor
      await store.refreshTokens.insert({ ...base, digest: 'rot-r', revokedAt: 3 });
      assert.equal(await store.refreshTokens.rotate('rot-r', 10, undefined, next(99)), false);
      assert.equal(await store.refreshTokens.findByDigest('rot1-99'), null);
      // a successor whose digest is taken fails the whole rotation: the token stays unspent
      await store.refreshTokens.insert({ ...base, digest: 'rot2' });
      await assert.rejects(store.refreshTokens.rotate('rot2', 11, undefined, next(winner)));
      assert.equal((await store.refreshTokens.findByDigest('rot2'))?.spentAt, null);
    });

    it('a code exchange spends the code and records its refresh token in one, or neither', async () => {
      const code = {
        clientId: 'c-x',
        userId: 42,
        redirectUri: 'https://a/cb',
        redirectUriGiven: true,
        scopes: ['openid'],
        codeChallenge: null,
        codeChallengeMethod: null,
        nonce: null,
        authTime: 1,
        issuedAt: 1,
        issuedMs: 1500,
        expiresAt: 61,
        usedAt: null,
        familyId: null,
        accessJti: null,
        accessExpiresAt: null,
      };
      const refresh = (i: number) => ({
        digest: `xr-${i}`,
        familyId: `xf-${i}`,
        clientId: 'c-x',
        userId: 42,
        scopes: ['openid'],
        issuedAt: 5,
        expiresAt: 2_000_000_000,
        accessJti: `xj-${i}`,
        accessExpiresAt: 905,
        spentAt: null,
        revokedAt: null,
        familyStartedAt: 5,
        successorSealed: null,
        reuseUntil: null,
        resource: null,
      });
      const issued = (i: number) => ({ familyId: `xf-${i}`, accessJti: `xj-${i}`, accessExpiresAt: 905 });
      await store.codes.insert({ ...code, digest: 'x1' });
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => store.codes.exchange('x1', 5, issued(i), refresh(i))));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      const used = await store.codes.findByDigest('x1');
      assert.deepEqual([used?.usedAt, used?.familyId, used?.accessJti, used?.accessExpiresAt], [5, `xf-${winner}`, `xj-${winner}`, 905]);
      assert.deepEqual(await store.refreshTokens.findByDigest(`xr-${winner}`), refresh(winner));
      for (let i = 0; i < 6; i++) if (i !== winner) assert.equal(await store.refreshTokens.findByDigest(`xr-${i}`), null);
      // without a refresh token it is a spend
      await store.codes.insert({ ...code, digest: 'x2' });
      assert.equal(await store.codes.exchange('x2', 6, { familyId: null, accessJti: 'xj', accessExpiresAt: 906 }, null), true);
      assert.equal(await store.codes.exchange('x2', 6, { familyId: null, accessJti: 'xj', accessExpiresAt: 906 }, null), false);
      // a refresh token that cannot be recorded leaves the code unused
      await store.codes.insert({ ...code, digest: 'x3' });
      await assert.rejects(store.codes.exchange('x3', 7, issued(winner), refresh(winner)));
      assert.equal((await store.codes.findByDigest('x3'))?.usedAt, null);
    });

    it('refresh tokens: a sealed successor kept with the spend, reissues only while it is live, erased after its interval', async () => {
      const base = {
        familyId: 'fr',
        clientId: 'c1',
        userId: 1,
        scopes: ['a'],
        issuedAt: 1,
        expiresAt: 2_000_000_000,
        accessJti: 'ja',
        accessExpiresAt: 2_000_000_000,
        spentAt: null,
        revokedAt: null,
        familyStartedAt: 1,
        successorSealed: null,
        reuseUntil: null,
      };
      await store.refreshTokens.insert({ ...base, digest: 'ra' });
      assert.equal(await store.refreshTokens.spend('ra', 10, { sealed: 'v1.sealed', until: 40 }), true);
      await store.refreshTokens.insert({ ...base, digest: 'rb', accessJti: 'jb', issuedAt: 10 });
      const spent = await store.refreshTokens.findByDigest('ra');
      assert.deepEqual([spent?.successorSealed, spent?.reuseUntil, spent?.familyStartedAt], ['v1.sealed', 40, 1]);
      assert.equal(await store.refreshTokens.recordReissue('rb', { jti: 'jr1', familyId: 'fr', expiresAt: 2_000_000_000 }), true);
      assert.equal(
        await store.refreshTokens.recordReissue('ra', { jti: 'jr2', familyId: 'fr', expiresAt: 2_000_000_000 }),
        false,
        'a spent successor is not handed out again',
      );
      assert.deepEqual(
        (await store.refreshTokens.reissuedAccessTokens('fr')).map((r) => r.jti),
        ['jr1'],
      );
      assert.equal(await store.cleanup.eraseSealedSuccessors(40, 100), 0, 'kept through its last second');
      assert.equal(await store.cleanup.eraseSealedSuccessors(41, 100), 1);
      assert.equal((await store.refreshTokens.findByDigest('ra'))?.successorSealed, null);
      await store.refreshTokens.revokeFamily('fr', 50);
      assert.equal(
        await store.refreshTokens.recordReissue('rb', { jti: 'jr3', familyId: 'fr', expiresAt: 2_000_000_000 }),
        false,
        'a revoked successor is not handed out again',
      );
      assert.equal(await store.cleanup.deleteExpired('reissued_access_tokens', 2_000_000_001, 100), 1);
    });

    it('authorization codes and approvals of a user are voided; used codes stay for replay detection', async () => {
      const code = {
        clientId: 'c1',
        userId: 7,
        redirectUri: 'https://a/cb',
        redirectUriGiven: true,
        scopes: [],
        codeChallenge: null,
        codeChallengeMethod: null,
        nonce: null,
        authTime: 1,
        issuedAt: 1,
        issuedMs: 1500,
        expiresAt: 61,
        usedAt: null,
        familyId: null,
        accessJti: null,
        accessExpiresAt: null,
      };
      await store.codes.insert({ ...code, digest: 'k1' });
      await store.codes.insert({ ...code, digest: 'k2', clientId: 'c2' });
      await store.codes.insert({ ...code, digest: 'k3', usedAt: 2 });
      await store.codes.insert({ ...code, digest: 'k4', userId: 8 });
      assert.equal((await store.codes.findByDigest('k1'))?.issuedMs, 1500);
      assert.equal(await store.codes.voidUnused(7, 'c2'), 1);
      assert.equal(await store.codes.voidUnused(7), 1);
      assert.deepEqual(await Promise.all(['k1', 'k2', 'k3', 'k4'].map(async (d) => (await store.codes.findByDigest(d)) !== null)), [false, false, true, true]);
      await store.consents.upsert({ userId: 7, clientId: 'c1', scopes: [], grantedAt: 1 });
      await store.consents.upsert({ userId: 8, clientId: 'c1', scopes: [], grantedAt: 1 });
      assert.equal(await store.consents.deleteByUser(7), 1);
      assert.equal((await store.consents.listByUser(8)).length, 1);
    });

    it('revocation feed: ordered, incremental, expiring', async () => {
      const start = await store.revocations.latestId();
      await store.revocations.add([
        { kind: 'jti', subject: 'x', at: 1000, expiresAt: 100 },
        { kind: 'user', subject: '1', at: 2000, expiresAt: 5000 },
      ]);
      await store.revocations.add([{ kind: 'client', subject: 'c1', at: 3000, expiresAt: 5000 }]);
      const rows = await store.revocations.since(start, 10);
      assert.deepEqual(
        rows.map((r) => r.kind),
        ['jti', 'user', 'client'],
      );
      assert.ok(rows[0].id < rows[1].id && rows[1].id < rows[2].id);
      assert.deepEqual(
        (await store.revocations.since(rows[1].id, 10)).map((r) => r.subject),
        ['c1'],
      );
      assert.deepEqual((await store.revocations.since(start, 1)).length, 1);
      assert.deepEqual(
        (await store.revocations.active(200)).map((r) => r.kind),
        ['user', 'client'],
      );
      assert.equal(await store.revocations.latestId(), rows[2].id);
    });

    it('flood: reserves in every counter or none, says how long to wait, releases, clears', async () => {
      const a = { event: 'e', identifier: 'id', limit: 2, window: 100 };
      const b = { event: 'e', identifier: 'other', limit: 5, window: 100 };
      const first = await store.flood.reserve([a, b], 100);
      assert.ok('reserved' in first);
      assert.deepEqual(first.reserved.map((r) => r.identifier).sort(), ['id', 'other']);
      const second = await store.flood.reserve([a, b], 150);
      assert.ok('reserved' in second);
      // a is full until its older event leaves the window: 100 + 100 - 160
      assert.deepEqual(await store.flood.reserve([a, b], 160), { retryAfter: 40 });
      // the refusal wrote nothing in b: three more fit, then b is full too
      for (let i = 0; i < 3; i++) assert.ok('reserved' in (await store.flood.reserve([b], 160)));
      assert.deepEqual(await store.flood.reserve([b], 160), { retryAfter: 40 });
      await store.flood.release(second.reserved);
      assert.ok('reserved' in (await store.flood.reserve([a], 160)), 'a released event no longer counts');
      assert.ok('retryAfter' in (await store.flood.reserve([a], 160)));
      assert.ok('reserved' in (await store.flood.reserve([a], 201)), 'the event at 100 has left the window');
      await store.flood.clear('e', 'id');
      assert.ok('reserved' in (await store.flood.reserve([a], 201)));
      // b gave back the event of `second` with it, and clearing a left b alone: one more fits
      assert.ok('reserved' in (await store.flood.reserve([b], 160)));
      assert.ok('retryAfter' in (await store.flood.reserve([b], 160)), 'clearing one counter leaves the others');
    });

    it('flood: 40 reservations at once, through two connections, never pass the limit', async () => {
      const others = another ? [await another()] : [];
      try {
        const stores = [store, ...others];
        const limits = [
          { event: 'race.ip', identifier: '192.0.2.1', limit: 50, window: 3600 },
          { event: 'race.user', identifier: 'mallory', limit: 5, window: 3600 },
        ];
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % stores.length].flood.reserve(limits, 1000)));
        assert.equal(results.filter((r) => 'reserved' in r).length, 5);
        for (const r of results) if ('retryAfter' in r) assert.equal(r.retryAfter, 3600);
      } finally {
        for (const other of others) await other.close();
      }
    });

    it('audit: append in batches, tail newest first', async () => {
      const entry = {
        at: 1,
        event: 'token.issued',
        outcome: 'success' as const,
        userId: 1,
        clientId: 'c1',
        ip: '127.0.0.1',
        endpoint: '/oauth/token',
        detail: 'password',
      };
      await store.audit.append([entry, { ...entry, at: 2, outcome: 'failure' }]);
      const tail = await store.audit.tail(10);
      assert.deepEqual(
        tail.map((e) => e.at),
        [2, 1],
      );
      assert.equal(tail[0].outcome, 'failure');
    });

    it('signing keys: insert, update, delete once unpublished', async () => {
      const key = {
        kid: 'k1',
        alg: 'ES256',
        use: 'access' as const,
        state: 'current' as const,
        publicJwk: '{}',
        privateKeyEncrypted: 'v1.x',
        createdAt: 1,
        activatedAt: 1,
        retiredAt: null,
        publishUntil: null,
      };
      await store.keys.insert(key);
      await store.keys.update('k1', { state: 'retired', retiredAt: 5, publishUntil: 10 });
      assert.deepEqual(await store.keys.list(), [{ ...key, state: 'retired', retiredAt: 5, publishUntil: 10 }]);
      assert.equal(await store.keys.deleteUnpublished(9), 0);
      assert.equal(await store.keys.deleteUnpublished(10), 1);
    });

    it('one current and one next key per use: the database refuses a second, as a write conflict', async () => {
      const key = (kid: string, state: 'current' | 'next') => ({
        kid,
        alg: 'ES256',
        use: 'id' as const,
        state,
        publicJwk: '{}',
        privateKeyEncrypted: 'v1.x',
        createdAt: 1,
        activatedAt: 1,
        retiredAt: null,
        publishUntil: null,
      });
      await store.keys.insert(key('c1', 'current'));
      await store.keys.insert(key('n1', 'next'));
      for (const [kid, state] of [
        ['c2', 'current'],
        ['n2', 'next'],
      ] as const) {
        const error = await store.keys.insert(key(kid, state)).then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(isWriteConflict(error), `a second ${state} key: ${String(error)}`);
      }
      // retired keys are many
      await store.keys.update('c1', { state: 'retired', retiredAt: 2, publishUntil: 3 });
      await store.keys.insert(key('c2', 'current'));
      await store.keys.update('c2', { state: 'retired', retiredAt: 2, publishUntil: 3 });
      await store.keys.update('n1', { state: 'retired', retiredAt: 2, publishUntil: 3 });
      assert.equal(await store.keys.deleteUnpublished(3), 3);
    });

    it('two instances starting at once make one current key per use', async () => {
      const before = (await store.keys.list()).filter((k) => k.state === 'current');
      for (const k of before) await store.keys.update(k.kid, { state: 'retired', retiredAt: 1, publishUntil: 1 });
      await store.keys.deleteUnpublished(1);
      await Promise.all([0, 1, 2].map(() => ensureSigningKeys(store, 'a-master-secret-for-the-store-test-0123456789', new ManualClock(Date.now()))));
      const current = (await store.keys.list()).filter((k) => k.state === 'current');
      assert.deepEqual(current.map((k) => k.use).sort(), ['access', 'id']);
    });

    it('transactions commit together and roll back on error', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.roles.upsert({ id: 'ghost', label: 'Ghost', permissions: [], isAdmin: false });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.roles.get('ghost'), null);
      await store.transaction(async (tx) => {
        await tx.roles.upsert({ id: 'kept', label: 'Kept', permissions: [], isAdmin: false });
        // a nested transaction joins the outer one
        await tx.transaction(async (inner) => inner.roles.upsert({ id: 'kept2', label: 'Kept 2', permissions: [], isAdmin: false }));
      });
      assert.ok(await store.roles.get('kept'));
      assert.ok(await store.roles.get('kept2'));
    });
  });
}

storeSuite('SQLite (memory)', async () => {
  const store = await openStore('sqlite::memory:');
  return { store, cleanup: () => store.close() };
});

storeSuite('SQLite (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-store-'));
  const file = `sqlite:${join(dir, 'nested', 'gh.db')}`;
  const store = await openStore(file);
  return {
    store,
    another: () => openStore(file),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

storeSuite(
  'PostgreSQL',
  async () => {
    const schema = freshSchemaName();
    const store = await openStore(POSTGRES_URL, { schema, poolSize: 4 });
    return {
      store,
      another: () => openStore(POSTGRES_URL, { schema, poolSize: 4 }),
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  postgresSkip,
);

test('unknown DATABASE_URL schemes are refused with a reason', async () => {
  await assert.rejects(openStore('mysql://x'), /sqlite: or postgres:/);
});
