// test-engines: both
// Routes never shadow Gatehouse's own endpoints: every path the app registers lies under one of
// GATEHOUSE_PATHS (src/domain/gate-route.ts), which a route path may not be at, under or above.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GATEHOUSE_PATHS, parseGateRoute, pathUnder } from '../../src/domain/gate-route.js';
import { startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse({ config: { metricsToken: 'm'.repeat(32) } });
});
after(async () => gh?.close());

test('every registered path is under a reserved prefix, and a route there is refused', () => {
  // the tree's first level below "/" holds every path's first segment
  const printed = gh.app.printRoutes({ commonPrefix: false });
  const firsts = [...printed.matchAll(/^ {4}[├└]── ([^\s(]+)/gm)].map((m) => `/${(m[1] as string).split('/')[0]}`);
  assert.ok(firsts.includes('/oauth') && firsts.includes('/gate') && firsts.includes('/admin'), printed);
  for (const first of new Set(firsts)) {
    if (first === '/*') continue;
    assert.ok(
      GATEHOUSE_PATHS.some((own) => pathUnder(first, own)),
      `${first} is not one of GATEHOUSE_PATHS`,
    );
    assert.throws(() => parseGateRoute({ name: 'x', path: first }), /shadow/, first);
    assert.throws(() => parseGateRoute({ name: 'x', path: `${first}/anything` }), /shadow/, first);
  }
});
