// test-engines: both
// /oauth/jwks, /.well-known/jwks.json and /oauth/debug.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { importJWK, jwtVerify } from 'jose';
import { bearer, decodeJwt, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { tokenFor, uidOf } from '../helpers/tokens.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse();
});
after(() => gh.close());

test('both JWKS paths publish every key with kid, alg, use and no private part', async () => {
  for (const path of ['/oauth/jwks', '/.well-known/jwks.json']) {
    const res = await request(gh.url + path);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /json/);
    const algs = res.body.keys.map((k: { alg: string }) => k.alg).sort();
    assert.deepEqual(algs, ['ES256', 'RS256']);
    for (const key of res.body.keys) {
      assert.ok(key.kid && key.alg && key.use === 'sig', JSON.stringify(key));
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[secret], undefined);
    }
  }
});

test('a resource server verifies an access token with nothing but the JWKS', async () => {
  const token = await tokenFor(gh, 'bob', 'profile:read');
  const { kid } = decodeJwt(token).header;
  const jwk = (await request(`${gh.url}/oauth/jwks`)).body.keys.find((k: { kid: string }) => k.kid === kid);
  const { payload } = await jwtVerify(token, await importJWK(jwk, 'ES256'), {
    issuer: gh.config.issuer,
    audience: gh.config.audience,
    typ: 'at+jwt',
    currentDate: new Date(gh.clock.now()),
  });
  assert.equal(payload.client_id, 'backend');
});

test('/oauth/debug: user id, roles and each permission with whether the token grants it', async () => {
  const res = await request(`${gh.url}/oauth/debug`, { headers: bearer(await tokenFor(gh, 'alice', 'profile:read')) });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.id, String(await uidOf(gh, 'alice')));
  assert.deepEqual(res.body.roles, ['authenticated']);
  assert.deepEqual(res.body.permissions['access user profiles'], { title: 'access user profiles', access: true });
  assert.equal(res.body.permissions['view user email addresses'].access, false, 'alice has it, the token does not');
  assert.equal(res.body.permissions['administer users'].access, false);
});

test('/oauth/debug with a role scope lists the role', async () => {
  const res = await request(`${gh.url}/oauth/debug`, { headers: bearer(await tokenFor(gh, 'alice', 'editor')) });
  assert.deepEqual(res.body.roles, ['authenticated', 'editor']);
  assert.equal(res.body.permissions['view user email addresses'].access, true);
});

test('/oauth/debug without a token: 401 in both vocabularies', async () => {
  const res = await request(`${gh.url}/oauth/debug`);
  assert.equal(res.status, 401);
  assert.equal(res.body.error, 'MISSING_AUTHORIZATION_HEADER');
  assert.equal(res.headers.get('www-authenticate'), `Bearer realm="gatehouse", resource_metadata="${gh.config.issuer}/.well-known/oauth-protected-resource"`);
});

test('unknown routes: 404, not 5xx', async () => {
  const res = await request(`${gh.url}/nope`);
  assert.equal(res.status, 404);
});
