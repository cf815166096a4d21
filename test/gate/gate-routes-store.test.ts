// The gate_routes repository on SQLite and PostgreSQL: order kept, replaceAll atomic, every
// write announced as the `routes` topic to this process and to another one.
import assert from 'node:assert/strict';
import { parseGateRoute } from '../../src/domain/gate-route.js';
import type { StoreChange } from '../../src/store/change-feed.js';
import { describeOnEngines } from '../helpers/store-engines.js';

const route = (name: string, path: string) => parseGateRoute({ name, path, upstream: 'http://127.0.0.1:9', methods: ['GET'] });

describeOnEngines('gate routes', ({ it, stores }) => {
  it('replaceAll keeps the order and replaces everything', async () => {
    const { store } = stores();
    await store.gateRoutes.replaceAll([route('b', '/b'), route('a', '/a')]);
    assert.deepEqual(
      (await store.gateRoutes.list()).map((r) => r.name),
      ['b', 'a'],
    );
    await store.gateRoutes.replaceAll([route('c', '/c')]);
    assert.deepEqual(
      (await store.gateRoutes.list()).map((r) => r.name),
      ['c'],
    );
    assert.deepEqual(await store.gateRoutes.get('c'), route('c', '/c'));
    assert.equal(await store.gateRoutes.get('a'), null);
    assert.equal(await store.gateRoutes.get('a\u0000'), null);
  });

  it('replaceAll inside a transaction that fails leaves the routes as they were', async () => {
    const { store } = stores();
    await store.gateRoutes.replaceAll([route('keep', '/keep')]);
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.gateRoutes.replaceAll([route('lost', '/lost')]);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(
      (await store.gateRoutes.list()).map((r) => r.name),
      ['keep'],
    );
  });

  it('upsert appends or replaces in place; delete says whether it existed', async () => {
    const { store } = stores();
    await store.gateRoutes.replaceAll([route('one', '/one'), route('two', '/two')]);
    await store.gateRoutes.upsert({ ...route('one', '/one'), timeoutMs: 500 });
    await store.gateRoutes.upsert(route('three', '/three'));
    const list = await store.gateRoutes.list();
    assert.deepEqual(
      list.map((r) => r.name),
      ['one', 'two', 'three'],
    );
    assert.equal(list[0]?.timeoutMs, 500);
    assert.equal(await store.gateRoutes.delete('two'), true);
    assert.equal(await store.gateRoutes.delete('two'), false);
  });

  it('every write is announced as the routes topic, here and to another process', async () => {
    const { store, other } = stores();
    const heard: StoreChange[] = [];
    const stop = store.onChange((change) => heard.push(change));
    const remote: StoreChange[] = [];
    const unsubscribe = await other.changes?.subscribe(
      (change) => remote.push(change),
      () => undefined,
    );
    remote.length = 0;
    await store.gateRoutes.upsert(route('x', '/x'));
    stop();
    assert.ok(heard.some((c) => c.topic === 'routes'));
    const deadline = Date.now() + 3000;
    while (!remote.some((c) => c.topic === 'routes') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await unsubscribe?.();
    assert.ok(
      remote.some((c) => c.topic === 'routes'),
      'the other process heard of the change',
    );
  });
});
