// Background upkeep run by several processes over one database at once — the workers of
// `serve --workers N` on one SQLite file, or instances over one PostgreSQL: the next key is
// published once, the rotation happens once (the published key becomes the one current key), and
// cleanup deletes each expired row once, with no run failing.
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { Maintenance } from '../../src/maintenance.js';
import { ensureSigningKeys } from '../../src/oauth/signing-keys.js';
import type { Store } from '../../src/store/store.js';
import { describeOnEngines } from '../helpers/store-engines.js';

const DAY = 86_400;

describeOnEngines('maintenance run by several processes at once', ({ it, stores }) => {
  it('keys are published ahead and rotated once; no run fails', async () => {
    const { store, other } = stores();
    const clock = new ManualClock(Date.parse('2026-11-29T00:00:00Z'));
    const config = testConfig({ keyRotation: { everyDays: 1, publishAhead: 3600 } });
    await ensureSigningKeys(store, config.secret, clock);
    const failures: unknown[] = [];
    const log = { info: () => undefined, warn: (...args: unknown[]) => failures.push(args) };
    const upkeep = (s: Store) => new Maintenance(s, clock, config, log as never, async () => undefined);
    // three processes: two over one store object each, a third over the first's database again
    const workers = [upkeep(store), upkeep(other), upkeep(other)];
    const before = await store.keys.list();

    clock.advance(DAY - 1800);
    await Promise.all(workers.map((w) => w.run()));
    const published = await store.keys.list();
    for (const use of ['access', 'id'] as const) {
      assert.equal(published.filter((k) => k.use === use && k.state === 'next').length, 1, `one next ${use} key`);
    }

    clock.advance(3600);
    await Promise.all(workers.map((w) => w.run()));
    const rotated = await store.keys.list();
    for (const use of ['access', 'id'] as const) {
      const current = rotated.filter((k) => k.use === use && k.state === 'current');
      assert.equal(current.length, 1, `one current ${use} key`);
      const next = published.find((k) => k.use === use && k.state === 'next')!;
      assert.equal(current[0].kid, next.kid, `the ${use} key published ahead now signs`);
      const old = before.find((k) => k.use === use && k.state === 'current')!;
      assert.equal(rotated.find((k) => k.kid === old.kid)?.state, 'retired', `the previous ${use} key is retired, still published`);
    }
    assert.deepEqual(failures, [], 'no maintenance run failed');
  });
});
