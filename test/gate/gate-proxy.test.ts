// The built-in proxy (issue 12 parts 1, 2, 5) against a real upstream that records what it got:
// what is forwarded, stripped and added, every refusal in both vocabularies, 502/504, streaming.
// test-engines: both
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { OPERATOR } from '../../src/admin/actor.js';
import { updateUser } from '../../src/admin/users.js';
import { gateRouteDocument } from '../../src/domain/gate-route.js';
import { request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { tokenFor } from '../helpers/tokens.js';
import { setRoutes, startUpstream, type Upstream } from './recording-upstream.js';

describe('the built-in proxy', () => {
  let gh: Running;
  let up: Upstream;
  let token: string;
  before(async () => {
    gh = await startGatehouse({ clock: 'system' });
    up = await startUpstream();
    await setRoutes(gh, [
      { name: 'articles', path: '/api/articles', upstream: up.url, methods: ['GET', 'HEAD', 'POST'], permission: 'access user profiles' },
      { name: 'mail', path: '/api/mail', upstream: up.url, permission: 'view user email addresses' },
      { name: 'scoped', path: '/api/scoped', upstream: up.url, scopes: ['profile:read', 'mail:read'] },
      { name: 'public', path: '/public', upstream: up.url, public: true },
      { name: 'intranet', path: '/intranet', upstream: up.url, allowIps: ['10.0.0.0/8'] },
      { name: 'denied', path: '/denied', upstream: up.url, denyIps: ['127.0.0.0/8', '::1'] },
      { name: 'custom', path: '/custom', upstream: up.url, authHeader: 'X-Api-Auth' },
      { name: 'forwarding', path: '/forwarding', upstream: up.url, forwardCredential: true },
      { name: 'down', path: '/down', upstream: 'http://127.0.0.1:9' },
      { name: 'slow', path: '/slow', upstream: up.url, timeoutMs: 300 },
      { name: 'checkonly', path: '/checkonly' },
    ]);
    token = await tokenFor(gh, 'alice', 'profile:read');
  });
  after(async () => {
    await gh?.close();
    await up?.close();
  });

  const call = (path: string, init: RequestInit = {}) => request(`${gh.url}${path}`, init);
  const auth = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

  test('an allowed request reaches the upstream with path and query, identity added, secrets stripped', async () => {
    up.received.length = 0;
    const res = await call('/api/articles/7?x=1&y=%2F', {
      headers: auth({
        cookie: 'theme=dark; gh_session=secret-session; __Host-gh_csrf=c; other=1',
        'x-gatehouse-user-id': '1',
        'X-Gatehouse-Anything': 'forged',
        'x-forwarded-for': '6.6.6.6',
        'x-api-key': 'ghk_not-for-upstream',
        'x-custom': 'kept',
      }),
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { method: 'GET', url: '/api/articles/7?x=1&y=%2F' });
    assert.equal(res.headers.get('x-upstream'), 'yes');
    assert.equal(res.headers.get('content-security-policy'), null, "the upstream's answer does not get Gatehouse's page CSP");
    const got = up.received[0];
    assert.ok(got);
    assert.equal(got.url, '/api/articles/7?x=1&y=%2F');
    assert.equal(got.headers.authorization, undefined);
    assert.equal(got.headers['x-api-key'], undefined);
    assert.equal(got.headers.cookie, 'theme=dark; other=1');
    assert.equal(got.headers['x-custom'], 'kept');
    assert.equal(got.headers['x-gatehouse-anything'], undefined);
    const alice = await gh.store.users.findByName('alice');
    assert.equal(got.headers['x-gatehouse-user-id'], String(alice?.uid));
    assert.equal(got.headers['x-gatehouse-user-name'], 'alice');
    assert.equal(got.headers['x-gatehouse-client-id'], 'backend');
    assert.equal(got.headers['x-gatehouse-scopes'], 'profile:read');
    assert.equal(got.headers['x-gatehouse-auth-method'], 'bearer');
    assert.equal(got.headers['x-gatehouse-route'], 'articles');
    assert.equal(got.headers['x-forwarded-for'], '127.0.0.1', 'the client-sent X-Forwarded-For is not trusted without GATEHOUSE_TRUST_PROXY');
    assert.equal(got.headers['x-forwarded-proto'], 'http');
    assert.equal(got.headers['x-forwarded-host'], new URL(gh.url).host);
    assert.equal(got.headers.host, new URL(up.url).host);
    // the identity JWT verifies with the published keys, for this route only
    const jwt = String(got.headers['x-gatehouse-identity']);
    const { payload, protectedHeader } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${gh.url}/oauth/jwks`)), {
      issuer: gh.config.issuer,
      audience: 'articles',
      typ: 'gatehouse-identity+jwt',
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, String(alice?.uid));
    assert.equal(payload.name, 'alice');
    assert.equal(payload.client_id, 'backend');
    assert.equal(payload.scope, 'profile:read');
    assert.equal(payload.auth_method, 'bearer');
    assert.equal(Number(payload.exp) - Number(payload.iat), 60);
    // a second request reuses the signed identity
    await call('/api/articles', { headers: auth() });
    assert.equal(up.received[1]?.headers['x-gatehouse-identity'], jwt);
  });

  test('no route: 404 NO_ROUTE, never falls open; Gatehouse 404s stay 404s', async () => {
    for (const path of ['/nothing', '/api', '/api/articlesX', '/oauth/nope', '/']) {
      const res = await call(path, { method: path === '/' ? 'DELETE' : 'GET', headers: auth() });
      assert.equal(res.status, 404, path);
      if (path !== '/') assert.equal(res.body.error, 'NO_ROUTE', path);
    }
    assert.equal((await call('/admin/api/v1/nope', { headers: auth() })).body.error, 'not_found', "the admin API's own 404 stays");
  });

  test('a route without upstream is forward-auth only: 404 through the proxy', async () => {
    const res = await call('/checkonly/x', { headers: auth() });
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'NO_ROUTE');
  });

  test('missing, foreign-scheme, invalid and expired credentials: 401 with a challenge', async () => {
    let res = await call('/api/articles');
    assert.equal(res.status, 401);
    assert.equal(res.body.status, 'error');
    assert.equal(res.body.error, 'MISSING_AUTHORIZATION_HEADER');
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
    res = await call('/api/articles', { headers: { authorization: 'Basic YWxpY2U6eA==' } });
    assert.equal(res.body.error, 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE');
    assert.match(res.body.error_description, /Bearer token/);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
    res = await call('/api/articles', { headers: { 'x-api-key': 'ghk_whatever' } });
    assert.equal(res.body.error, 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE');
    res = await call('/api/articles', { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'INVALID_ACCESS_TOKEN');
    gh.clock.advance(3600 * 24);
    try {
      res = await call('/api/articles', { headers: auth() });
      assert.equal(res.body.error, 'TOKEN_EXPIRED');
    } finally {
      gh.clock.advance(-3600 * 24);
    }
    assert.equal(up.received.filter((r) => r.headers.authorization).length, 0);
  });

  test('missing permission or scopes: 403 INSUFFICIENT_SCOPE naming what is missing', async () => {
    let res = await call('/api/mail', { headers: auth() });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'INSUFFICIENT_SCOPE');
    assert.match(res.body.error_description, /permission "view user email addresses"/);
    res = await call('/api/scoped', { headers: auth() });
    assert.equal(res.status, 403);
    assert.match(res.body.error_description, /scope "mail:read"/);
    assert.doesNotMatch(res.body.error_description, /profile:read/);
    const both = await tokenFor(gh, 'alice', 'profile:read mail:read');
    assert.equal((await call('/api/scoped', { headers: { authorization: `Bearer ${both}` } })).status, 200);
    assert.equal((await call('/api/mail', { headers: { authorization: `Bearer ${both}` } })).status, 200);
  });

  test('a blocked user is refused at once', async () => {
    const bobToken = await tokenFor(gh, 'bob', 'profile:read');
    const any = { name: 'any', path: '/any', upstream: up.url };
    await setRoutes(gh, [...gh.app.gatehouse.gate.routes.list().map((r) => gateRouteDocument(r)), any]);
    assert.equal((await call('/any', { headers: { authorization: `Bearer ${bobToken}` } })).status, 200);
    const bob = await gh.store.users.findByName('bob');
    assert.ok(bob);
    await updateUser(gh.app.gatehouse.admin, bob.uid, { status: false }, OPERATOR);
    try {
      const res = await call('/any', { headers: { authorization: `Bearer ${bobToken}` } });
      assert.equal(res.status, 403);
      assert.equal(res.body.error, 'USER_BLOCKED');
    } finally {
      await updateUser(gh.app.gatehouse.admin, bob.uid, { status: true }, OPERATOR);
    }
  });

  test('IP lists: allowIps and denyIps, 403 IP_NOT_ALLOWED', async () => {
    let res = await call('/intranet', { headers: auth() });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'IP_NOT_ALLOWED');
    res = await call('/denied', { headers: auth() });
    assert.equal(res.body.error, 'IP_NOT_ALLOWED');
    res = await call('/intranet', { headers: auth({ 'x-forwarded-for': '10.1.2.3' }) });
    assert.equal(res.status, 403, 'X-Forwarded-For is ignored unless GATEHOUSE_TRUST_PROXY is set');
  });

  test('a method the route does not list: 405 with Allow', async () => {
    const res = await call('/api/articles/7', { method: 'DELETE', headers: auth() });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD, POST');
    assert.equal(res.body.error, 'METHOD_NOT_ALLOWED');
  });

  test('a public route needs no credential and gets only X-Gatehouse-Route', async () => {
    up.received.length = 0;
    const res = await call('/public/x', { headers: { 'x-gatehouse-user-id': '1' } });
    assert.equal(res.status, 200);
    const got = up.received[0];
    assert.equal(got?.headers['x-gatehouse-route'], 'public');
    assert.equal(got?.headers['x-gatehouse-user-id'], undefined);
    assert.equal(got?.headers['x-gatehouse-identity'], undefined);
  });

  test('authHeader: the credential is read from that header and stripped from it', async () => {
    up.received.length = 0;
    assert.equal((await call('/custom', { headers: auth() })).body.error, 'MISSING_AUTHORIZATION_HEADER');
    const res = await call('/custom/x', { headers: { 'x-api-auth': `Bearer ${token}`, authorization: 'Basic other' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(up.received[0]?.headers['x-api-auth'], undefined);
    assert.equal(up.received[0]?.headers.authorization, 'Basic other');
  });

  test('forwardCredential keeps the credential header', async () => {
    up.received.length = 0;
    assert.equal((await call('/forwarding', { headers: auth() })).status, 200);
    assert.equal(up.received[0]?.headers.authorization, `Bearer ${token}`);
  });

  test('upstream unreachable: 502 JSON; slower than timeoutMs: 504 JSON', async () => {
    let res = await call('/down', { headers: auth() });
    assert.equal(res.status, 502);
    assert.equal(res.body.error, 'UPSTREAM_UNAVAILABLE');
    up.handle = (_request, response) => setTimeout(() => response.end('late'), 1500);
    try {
      const started = Date.now();
      res = await call('/slow', { headers: auth() });
      assert.equal(res.status, 504);
      assert.equal(res.body.error, 'UPSTREAM_TIMEOUT');
      assert.ok(Date.now() - started < 1400);
    } finally {
      up.handle = (request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
        response.end(JSON.stringify({ method: request.method, url: request.url }));
      };
    }
  });

  test('a POST body larger than the body limit streams through untouched; so does the answer', async () => {
    up.received.length = 0;
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    up.handle = (_request, response, received) => {
      response.writeHead(201, { 'content-type': 'application/octet-stream' });
      response.end(received);
    };
    try {
      const res = await fetch(`${gh.url}/api/articles/upload`, { method: 'POST', headers: auth({ 'content-type': 'application/json' }), body });
      assert.equal(res.status, 201);
      const echoed = Buffer.from(await res.arrayBuffer());
      assert.equal(echoed.length, body.length);
      assert.ok(echoed.equals(body));
      assert.equal(up.received[0]?.method, 'POST');
      assert.ok(up.received[0]?.body.equals(body));
    } finally {
      up.handle = (request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
        response.end(JSON.stringify({ method: request.method, url: request.url }));
      };
    }
  });

  test("an upstream cannot set or clear Gatehouse's cookies", async () => {
    up.handle = (_request, response) => {
      response.setHeader('set-cookie', ['gh_session=planted; Path=/', '__Host-gh_session=x; Path=/', 'app=1; Path=/']);
      response.end('ok');
    };
    try {
      const res = await fetch(`${gh.url}/public`);
      assert.deepEqual(res.headers.getSetCookie(), ['app=1; Path=/']);
    } finally {
      up.handle = (request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
        response.end(JSON.stringify({ method: request.method, url: request.url }));
      };
    }
  });

  test('denials are counted by code and route, and audited without credentials', async () => {
    await call('/api/articles', { headers: { authorization: 'Bearer secret-looking-token' } });
    const metrics = await gh.app.gatehouse.metrics.text();
    assert.match(metrics, /gatehouse_gate_denials_total\{code="INVALID_ACCESS_TOKEN",route="articles"\} [1-9]/);
    assert.match(metrics, /gatehouse_gate_denials_total\{code="NO_ROUTE",route=""\} [1-9]/);
    await gh.app.gatehouse.audit.flush();
    const rows = await gh.store.audit.tail(200);
    const denied = rows.filter((r) => r.event === 'gate.denied');
    assert.ok(denied.some((r) => r.detail === 'INVALID_ACCESS_TOKEN route=articles' && r.endpoint === 'GET /api/articles'));
    assert.ok(!JSON.stringify(rows).includes('secret-looking-token'));
  });
});
