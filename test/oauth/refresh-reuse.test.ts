// test-engines: both
// The refresh-token reuse interval (issue 10, finding 18): a client that opted in may present a
// just-spent refresh token again for a short while — its reply was lost, or two tabs refreshed
// at once — and gets the same successor with a fresh access token, instead of its family being
// revoked. After the interval, once the successor was used, or from another client, a reuse is a
// replay as before. Off (0) by default: then every reuse is a replay (docs/compatibility.md §4).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tokenDigest } from '../../src/crypto/secrets.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { basic, bearer, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

const INTERVAL = 30;
let gh: Running;
let admin: string;
before(async () => {
  gh = await startGatehouse({
    world: {
      ...ADMIN_WORLD,
      clients: [
        ...(ADMIN_WORLD.clients ?? []),
        { clientId: 'tabs', secret: SECRET, grantTypes: ['password', 'refresh_token'], scopes: ['profile:read'], refreshReuseInterval: INTERVAL },
        { clientId: 'other-tabs', secret: SECRET, grantTypes: ['password', 'refresh_token'], scopes: ['profile:read'], refreshReuseInterval: INTERVAL },
      ],
    },
  });
  admin = await adminToken(gh);
});
after(() => gh.close());

const signIn = async (client = 'tabs') => {
  const res = await form(
    `${gh.url}/oauth/token`,
    { grant_type: 'password', username: 'alice', password: PASSWORD, scope: 'profile:read' },
    { authorization: basic(client, SECRET) },
  );
  assert.equal(res.status, 200, res.text);
  return res.body as { access_token: string; refresh_token: string };
};
const refresh = (token: string, client = 'tabs') =>
  form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic(client, SECRET) });
const active = async (token: string, client = 'tabs') =>
  (await form(`${gh.url}/oauth/introspect`, { token }, { authorization: basic(client, SECRET) })).body.active as boolean;

describe('within the interval, by the same client', () => {
  test('a lost reply: the retry gets the same refresh token and a fresh access token; the family lives on', async () => {
    const signedIn = await signIn();
    const lost = await refresh(signedIn.refresh_token);
    assert.equal(lost.status, 200, lost.text);
    gh.clock.advance(INTERVAL - 1);
    const retry = await refresh(signedIn.refresh_token);
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.body.refresh_token, lost.body.refresh_token, 'the same successor');
    assert.notEqual(retry.body.access_token, lost.body.access_token, 'a fresh access token');
    assert.equal(retry.body.scope, 'profile:read');
    assert.equal(retry.headers.get('cache-control'), 'no-store');
    assert.ok(await active(retry.body.access_token));
    assert.ok(await active(lost.body.access_token), "the first answer's access token is not revoked either");
    const onwards = await refresh(retry.body.refresh_token);
    assert.equal(onwards.status, 200, 'the family is alive');
    assert.ok(await active(onwards.body.refresh_token));
  });

  test('eight tabs at once: all get the same successor, each a recorded access token that revoking the family kills', async () => {
    for (let round = 0; round < 3; round++) await eightTabs();
  });

  async function eightTabs(): Promise<void> {
    const signedIn = await signIn();
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(signedIn.refresh_token)));
    assert.deepEqual(
      results.map((r) => r.status),
      Array(8).fill(200),
      results.map((r) => r.text).join('\n'),
    );
    const successors = new Set(results.map((r) => r.body.refresh_token));
    assert.equal(successors.size, 1, 'one successor for all');
    assert.equal(new Set(results.map((r) => r.body.access_token)).size, 8);
    const [successor] = successors;
    const revoked = await form(`${gh.url}/oauth/revoke`, { token: successor }, { authorization: basic('tabs', SECRET) });
    assert.equal(revoked.status, 200);
    for (const r of results) assert.equal(await active(r.body.access_token), false, 'every access token of the family is revoked');
    assert.equal((await refresh(successor)).body.error, 'invalid_grant');
  }

  test("retries racing the successor's own use: whatever wins, every access token handed out dies with the family", async () => {
    for (let round = 0; round < 3; round++) {
      const signedIn = await signIn();
      const next = (await refresh(signedIn.refresh_token)).body;
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => refresh(signedIn.refresh_token)),
        ...Array.from({ length: 2 }, () => refresh(next.refresh_token)),
      ]);
      for (const r of results) assert.ok(r.status === 200 || r.body.error === 'invalid_grant', r.text);
      const handedOut = [next, ...results.filter((r) => r.status === 200).map((r) => r.body)];
      for (const tokens of handedOut) await form(`${gh.url}/oauth/revoke`, { token: tokens.refresh_token }, { authorization: basic('tabs', SECRET) });
      for (const tokens of handedOut) {
        assert.equal(
          await active(tokens.access_token),
          false,
          `round ${round}: an access token outlived its family (${results.map((r) => r.status).join(',')})`,
        );
        assert.equal((await refresh(tokens.refresh_token)).body.error, 'invalid_grant');
      }
    }
  });

  test('the successor is kept only sealed, and erased once the interval is over', async () => {
    const signedIn = await signIn();
    const next = (await refresh(signedIn.refresh_token)).body;
    const spent = await gh.store.refreshTokens.findByDigest(tokenDigest(signedIn.refresh_token));
    assert.ok(spent?.successorSealed);
    assert.ok(!spent.successorSealed.includes(next.refresh_token), 'not in clear');
    gh.clock.advance(INTERVAL + 1);
    const deleted = await gh.app.gatehouse.maintenance.cleanup();
    assert.ok((deleted.sealed_successors ?? 0) >= 1, JSON.stringify(deleted));
    assert.equal((await gh.store.refreshTokens.findByDigest(tokenDigest(signedIn.refresh_token)))?.successorSealed, null);
    assert.equal((await refresh(next.refresh_token)).status, 200, 'the successor itself is untouched');
  });
});

describe('a reuse is a replay, and revokes the family', () => {
  async function assertReplay(reused: string, family: { refresh_token: string; access_token: string }, client = 'tabs'): Promise<void> {
    const res = await refresh(reused, client);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error, 'invalid_grant');
    assert.match(res.body.error_description, /already used/);
    assert.equal((await refresh(family.refresh_token, client)).body.error, 'invalid_grant', 'the family is revoked');
    assert.equal(await active(family.access_token, client), false, 'and its access tokens');
  }

  test('after the interval', async () => {
    const signedIn = await signIn();
    const next = (await refresh(signedIn.refresh_token)).body;
    gh.clock.advance(INTERVAL + 1);
    await assertReplay(signedIn.refresh_token, next);
  });

  test('once the successor was used', async () => {
    const signedIn = await signIn();
    const next = (await refresh(signedIn.refresh_token)).body;
    const third = (await refresh(next.refresh_token)).body;
    assert.ok(third.refresh_token);
    await assertReplay(signedIn.refresh_token, third);
    assert.equal(await active(next.access_token), false);
  });

  test('the interval turned off meanwhile takes effect at once', async () => {
    const created = await request(`${gh.url}/admin/api/v1/clients`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: 'switcher',
        secret: SECRET,
        grantTypes: ['password', 'refresh_token'],
        scopes: ['profile:read'],
        refreshReuseInterval: INTERVAL,
      }),
    });
    assert.equal(created.status, 201, created.text);
    const signedIn = await signIn('switcher');
    const next = (await refresh(signedIn.refresh_token, 'switcher')).body;
    const off = await request(`${gh.url}/admin/api/v1/clients/switcher`, {
      method: 'PATCH',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ refreshReuseInterval: 0 }),
    });
    assert.equal(off.body.refreshReuseInterval, 0);
    await assertReplay(signedIn.refresh_token, next, 'switcher');
  });

  test('with the interval off (the default), as before', async () => {
    const first = await form(
      `${gh.url}/oauth/token`,
      { grant_type: 'password', username: 'alice', password: PASSWORD, scope: 'profile:read' },
      { authorization: basic('backend', SECRET) },
    );
    const next = (await refresh(first.body.refresh_token, 'backend')).body;
    await assertReplay(first.body.refresh_token, next, 'backend');
  });
});

describe('another client', () => {
  test('presenting the spent token is refused as unknown, within the interval too', async () => {
    const signedIn = await signIn();
    const next = (await refresh(signedIn.refresh_token)).body;
    const foreign = await refresh(signedIn.refresh_token, 'other-tabs');
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error, 'invalid_grant');
    assert.equal(foreign.body.refresh_token, undefined);
    assert.equal(foreign.body.error_description, 'The refresh token is invalid.');
    assert.equal((await refresh(next.refresh_token)).status, 200, "the owner's family is unharmed");
  });
});

test('the field: 0 to 300 seconds, documented in the OpenAPI document', async () => {
  const call = (body: unknown) =>
    request(`${gh.url}/admin/api/v1/clients/tabs`, {
      method: 'PATCH',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  for (const value of [-1, 301, 2.5, 'soon']) {
    const res = await call({ refreshReuseInterval: value });
    assert.equal(res.status, 400, `${value}: ${res.text}`);
    assert.equal(res.body.field, 'refreshReuseInterval');
  }
  assert.equal((await call({ refreshReuseInterval: 0 })).body.refreshReuseInterval, 0);
  assert.equal((await call({ refreshReuseInterval: INTERVAL })).body.refreshReuseInterval, INTERVAL);
  const openapi = await request(`${gh.url}/openapi.json`);
  assert.match(openapi.body.components.schemas.ClientInput.properties.refreshReuseInterval.description, /same successor/);
});
