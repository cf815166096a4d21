// test-engines: both
// Custom claims (issue 14 part 5): the apply file's `claims:` maps user fields, roles and
// literals to access-token and ID-token claims per scope; they appear in tokens, introspection and
// userinfo where their scope was granted. Registered claims, unknown references and unknown scopes
// are refused by path, and a change reaches a running instance.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { applyDocument, type ApplyDocument } from '../../src/admin/apply.js';
import { codeFor, exchangeCode, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, pkcePair } from '../helpers/browser-http.js';
import { basic, bearer, decodeJwt, form, request, SECRET, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';
import { tokenFor } from '../helpers/tokens.js';

const world: ApplyDocument = {
  ...WORLD,
  users: WORLD.users!.map((u) => (u.name === 'alice' ? { ...u, fields: { department: 'Sales', level: 3 } } : u)),
  claims: [
    {
      scope: 'profile:read',
      accessToken: { roles: '$user.roles', dept: '$user.field.department', tier: 'gold', uid: '$user.uid', missing: '$user.field.nothing' },
      idToken: { roles: '$user.roles', level: '$user.field.level' },
    },
    { scope: 'mail:read', accessToken: { mailbox: '$user.mail', flags: { archive: true } } },
  ],
};

let gh: Running;
before(async () => {
  gh = await startGatehouse({ world });
});
after(() => gh.close());

describe('in tokens, introspection and userinfo', () => {
  test('an access token carries the mapped claims of its granted scopes only; a reference the user has no value for is left out', async () => {
    const { claims } = decodeJwt(await tokenFor(gh, 'alice', 'profile:read'));
    assert.deepEqual(claims.roles, ['editor']);
    assert.equal(claims.dept, 'Sales');
    assert.equal(claims.tier, 'gold');
    assert.equal(claims.uid, Number(claims.sub));
    assert.ok(!('missing' in claims));
    assert.ok(!('mailbox' in claims), 'mail:read was not granted');
    const both = decodeJwt(await tokenFor(gh, 'alice', 'profile:read mail:read')).claims;
    assert.equal(both.mailbox, 'alice@example.com');
    assert.deepEqual(both.flags, { archive: true });
    // bob has no department
    const bob = decodeJwt(await tokenFor(gh, 'bob', 'profile:read')).claims;
    assert.deepEqual(bob.roles, []);
    assert.ok(!('dept' in bob));
  });

  test('client_credentials and refresh carry them too; introspection shows them', async () => {
    const cc = await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'profile:read' }, { authorization: basic('backend', SECRET) });
    assert.equal(cc.status, 200, cc.text);
    assert.equal(decodeJwt(cc.body.access_token).claims.dept, 'Sales');
    const introspected = await form(`${gh.url}/oauth/introspect`, { token: cc.body.access_token }, { authorization: basic('backend', SECRET) });
    assert.equal(introspected.body.active, true);
    assert.equal(introspected.body.dept, 'Sales');
    assert.deepEqual(introspected.body.roles, ['editor']);
    assert.equal(introspected.body.client_id, 'backend');

    const password = await form(
      `${gh.url}/oauth/token`,
      { grant_type: 'password', username: 'alice', password: 'correct horse battery staple', scope: 'profile:read' },
      { authorization: basic('backend', SECRET) },
    );
    const refreshed = await form(
      `${gh.url}/oauth/token`,
      { grant_type: 'refresh_token', refresh_token: password.body.refresh_token },
      { authorization: basic('backend', SECRET) },
    );
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(decodeJwt(refreshed.body.access_token).claims.tier, 'gold');
  });

  test('the ID token and userinfo carry the idToken mapping of the granted scopes', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(gh, new BrowserAgent(gh.url), spaRequest(challenge, { scope: 'openid profile:read' }));
    const tokens = (await exchangeCode(gh, code, verifier)).body;
    const id = decodeJwt(tokens.id_token).claims;
    assert.deepEqual(id.roles, ['editor']);
    assert.equal(id.level, 3);
    assert.ok(!('dept' in id), 'the accessToken mapping stays out of the ID token');
    assert.equal(decodeJwt(tokens.access_token).claims.dept, 'Sales');
    const info = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(tokens.access_token) });
    assert.deepEqual(info.body.roles, ['editor']);
    assert.equal(info.body.level, 3);
    assert.equal(info.body.sub, id.sub);
  });
});

describe('apply', () => {
  test('refused by path: a registered claim, an unknown reference, an unknown scope, an empty mapping', async () => {
    for (const [item, pattern] of [
      [{ scope: 'profile:read', accessToken: { sub: '$user.name' } }, /claims\[0\]\.accessToken\.sub: "sub" is a registered claim and cannot be mapped/],
      [{ scope: 'profile:read', idToken: { aud: 'x' } }, /claims\[0\]\.idToken\.aud: "aud" is a registered claim/],
      [{ scope: 'profile:read', accessToken: { client_id: 'x' } }, /claims\[0\]\.accessToken\.client_id: "client_id" is a registered claim/],
      [{ scope: 'profile:read', accessToken: { dept: '$user.department' } }, /claims\[0\]\.accessToken\.dept: "\$user\.department" is not a known reference/],
      [
        { scope: 'profile:read', accessToken: { dept: '$user.field.bad name' } },
        /claims\[0\]\.accessToken\.dept: "\$user\.field\.bad name" is not a known reference/,
      ],
      [{ scope: 'nope', accessToken: { a: 1 } }, /claims\[0\]\.scope: no scope "nope" exists/],
      [{ scope: 'profile:read' }, /claims\[0\]\.accessToken: maps no claim/],
      [{ scope: 'profile:read', accessToken: { 'bad name': 1 } }, /claims\[0\]\.accessToken\.bad name: "bad name" is not a valid claim name/],
      [{ scope: 'profile:read', accessToken: { a: null } }, /claims\[0\]\.accessToken\.a: must have a value/],
    ] as const) {
      await assert.rejects(applyDocument(gh.admin, { claims: [item as never] }), pattern, JSON.stringify(item));
    }
    await assert.rejects(applyDocument(gh.admin, { claims: [{ scope: 'profile:read', accesToken: {} } as never] }), /did you mean accessToken/);
  });

  test('idempotent; a change reaches the running server', async () => {
    const report = await applyDocument(gh.admin, { claims: world.claims });
    assert.deepEqual(report.claims, { 'profile:read': 'unchanged', 'mail:read': 'unchanged' });
    const changed = await applyDocument(gh.admin, { claims: [{ scope: 'profile:read', accessToken: { tier: 'platinum' } }] });
    assert.equal(changed.claims['profile:read'], 'updated');
    assert.deepEqual(changed.changed.claims['profile:read'], ['accessToken', 'idToken']);
    await gh.app.gatehouse.reload();
    const { claims } = decodeJwt(await tokenFor(gh, 'alice', 'profile:read'));
    assert.equal(claims.tier, 'platinum');
    assert.ok(!('dept' in claims));
    await applyDocument(gh.admin, { claims: world.claims });
    await gh.app.gatehouse.reload();
  });
});
