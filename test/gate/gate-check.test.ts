// Forward-auth (issue 12 part 3): /gate/check decides for the request its headers name, in the
// Traefik/Caddy spelling and the nginx one, and answers 200 with the identity headers or the
// gate's refusal.
// test-engines: both
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { tokenFor } from '../helpers/tokens.js';
import { setRoutes } from './recording-upstream.js';

describe('/gate/check', () => {
  let gh: Running;
  let token: string;
  before(async () => {
    gh = await startGatehouse({ clock: 'system', config: { trustProxy: true } });
    await setRoutes(gh, [
      { name: 'articles', path: '/api/articles', methods: ['GET'], permission: 'access user profiles' },
      { name: 'office', path: '/office', allowIps: ['10.0.0.0/8'] },
      { name: 'open', path: '/open', public: true },
      { name: 'mixed', path: '/mixed', auth: ['bearer', 'basic', 'api_key'] },
    ]);
    token = await tokenFor(gh, 'alice', 'profile:read');
  });
  after(async () => gh?.close());

  const check = (headers: Record<string, string>, method = 'GET') => request(`${gh.url}/gate/check`, { method, headers });

  test('allowed (Traefik/Caddy headers): 200, empty body, identity headers', async () => {
    const res = await check({ 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/api/articles/1?x=y', authorization: `Bearer ${token}` });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');
    const alice = await gh.store.users.findByName('alice');
    assert.equal(res.headers.get('x-gatehouse-user-id'), String(alice?.uid));
    assert.equal(res.headers.get('x-gatehouse-user-name'), 'alice');
    assert.equal(res.headers.get('x-gatehouse-client-id'), 'backend');
    assert.equal(res.headers.get('x-gatehouse-scopes'), 'profile:read');
    assert.equal(res.headers.get('x-gatehouse-auth-method'), 'bearer');
    assert.equal(res.headers.get('x-gatehouse-route'), 'articles');
    const { payload } = await jwtVerify(String(res.headers.get('x-gatehouse-identity')), createRemoteJWKSet(new URL(`${gh.url}/oauth/jwks`)), {
      audience: 'articles',
      issuer: gh.config.issuer,
    });
    assert.equal(payload.sub, String(alice?.uid));
  });

  test('allowed (nginx headers), with any method of the check request itself', async () => {
    for (const method of ['GET', 'HEAD', 'POST']) {
      const res = await check({ 'x-original-method': 'GET', 'x-original-uri': '/api/articles', authorization: `Bearer ${token}` }, method);
      assert.equal(res.status, 200, method);
    }
  });

  test('refusals: the status, both vocabularies, the challenges', async () => {
    let res = await check({ 'x-original-method': 'GET', 'x-original-uri': '/api/articles' });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'MISSING_AUTHORIZATION_HEADER');
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
    res = await check({ 'x-original-method': 'GET', 'x-original-uri': '/mixed' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="gatehouse", Basic realm="gatehouse"');
    res = await check({ 'x-original-method': 'POST', 'x-original-uri': '/api/articles', authorization: `Bearer ${token}` });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET');
    res = await check({ 'x-original-method': 'GET', 'x-original-uri': '/nowhere', authorization: `Bearer ${token}` });
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'NO_ROUTE');
    res = await check({ 'x-original-method': 'GET', 'x-original-uri': '/api/articles/../../admin', authorization: `Bearer ${token}` });
    assert.equal(res.status, 400);
    res = await check({ 'x-original-method': 'GET', 'x-original-uri': 'http://evil.example/api/articles', authorization: `Bearer ${token}` });
    assert.equal(res.status, 400);
  });

  test('without the original method and URI: 400 naming the headers', async () => {
    const partial: Record<string, string>[] = [
      {},
      { 'x-forwarded-method': 'GET' },
      { 'x-original-uri': '/api/articles' },
      { 'x-forwarded-method': 'get x', 'x-forwarded-uri': '/a' },
    ];
    for (const headers of partial) {
      const res = await check(headers);
      assert.equal(res.status, 400);
      assert.match(res.body.error_description, /X-Forwarded-Method/);
    }
  });

  test('the client IP comes from X-Forwarded-For when GATEHOUSE_TRUST_PROXY is set', async () => {
    const base = { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/office', authorization: `Bearer ${token}` };
    assert.equal((await check({ ...base, 'x-forwarded-for': '10.9.8.7' })).status, 200);
    const res = await check({ ...base, 'x-forwarded-for': '192.0.2.1' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'IP_NOT_ALLOWED');
  });

  test('a public route: 200 with only X-Gatehouse-Route', async () => {
    const res = await check({ 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/open/x' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-gatehouse-route'), 'open');
    assert.equal(res.headers.get('x-gatehouse-user-id'), null);
  });
});
