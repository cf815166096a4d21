// test-engines: both
// The last-administrator rule under concurrency: two administrators blocking each other at the
// same moment through the admin API. Checked and written one after the other, at most one of
// the two succeeds, and an active administrator always remains (issue 10, finding 8).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { saveUser } from '../../src/admin/users.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { bearer, PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;

before(async () => {
  gh = await startGatehouse({
    world: {
      ...ADMIN_WORLD,
      users: [...(ADMIN_WORLD.users ?? []), { name: 'root2', mail: 'root2@example.com', password: PASSWORD, roles: ['administrator'] }],
    },
  });
});

after(async () => {
  await gh?.close();
});

function block(token: string, uid: number) {
  return request(`${gh.url}/admin/api/v1/users/${uid}`, {
    method: 'PATCH',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ status: false }),
  });
}

test('two administrators blocking each other at once: at most one succeeds, one administrator remains', async () => {
  const root = (await gh.store.users.findByName('root'))!;
  const root2 = (await gh.store.users.findByName('root2'))!;
  const outcomes = new Map<string, number>();
  for (let round = 0; round < 10; round++) {
    // both active administrators again, with tokens issued after the previous round's revocations
    for (const admin of [root, root2]) if (!(await gh.store.users.findById(admin.uid))!.status) await saveUser(gh.admin, admin.uid, { status: true });
    gh.clock.advance(5);
    await gh.app.gatehouse.revocations.refresh();
    const [rootToken, root2Token] = await Promise.all([adminToken(gh, ['admin:users'], 'root'), adminToken(gh, ['admin:users'], 'root2')]);

    const answers = await Promise.all([block(rootToken, root2.uid), block(root2Token, root.uid)]);
    for (const answer of answers) {
      outcomes.set(String(answer.status), (outcomes.get(String(answer.status)) ?? 0) + 1);
      // refused as the last administrator (400), or as a caller just blocked (401/403): never a 5xx
      assert.ok([200, 400, 401, 403].includes(answer.status), `round ${round}: ${answer.status} ${answer.text}`);
      if (answer.status === 400) assert.equal(answer.body.field, 'status', answer.text);
    }
    assert.ok(answers.filter((a) => a.status === 200).length <= 1, `round ${round}: both blocks succeeded (${answers.map((a) => a.status).join(', ')})`);
    const administrators = await gh.store.users.countActiveWithRoles(['administrator'], 0);
    assert.ok(administrators >= 1, `round ${round}: no active administrator is left`);
  }
  assert.ok((outcomes.get('200') ?? 0) >= 1, `a block went through in some round: ${JSON.stringify([...outcomes])}`);
});
