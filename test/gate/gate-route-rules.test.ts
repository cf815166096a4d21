// Unit tests for the pure gate-route rules (issue 12 part 1): validation naming the field,
// request-target normalisation and longest-prefix matching.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchGateRoute, normaliseRequestTarget } from '../../src/domain/gate-match.js';
import { checkGateRouteSet, type GateRoute, GateRouteError, gateRouteDocument, parseGateRoute } from '../../src/domain/gate-route.js';

const refusedField = (input: unknown, field: string): void => {
  assert.throws(
    () => parseGateRoute(input),
    (error: unknown) => error instanceof GateRouteError && error.field === field,
    `expected a refusal naming ${field}`,
  );
};
const base = { name: 'articles', path: '/api/articles' };

describe('parseGateRoute', () => {
  test('fills the defaults', () => {
    const route = parseGateRoute(base);
    assert.deepEqual(route, {
      name: 'articles',
      path: '/api/articles',
      upstream: null,
      methods: null,
      auth: ['bearer'],
      permission: null,
      scopes: [],
      allowIps: [],
      denyIps: [],
      authHeader: null,
      public: false,
      forwardCredential: false,
      timeoutMs: 30000,
    });
    assert.deepEqual(gateRouteDocument(route), { name: 'articles', path: '/api/articles', auth: ['bearer'] });
  });

  test('keeps every field of the issue example', () => {
    const route = parseGateRoute({
      ...base,
      upstream: 'http://127.0.0.1:8080',
      methods: ['GET', 'HEAD'],
      auth: ['bearer', 'api_key', 'basic'],
      permission: 'access content',
      scopes: ['articles:read'],
      allowIps: ['127.0.0.0/8', '::1'],
      denyIps: [],
      authHeader: 'X-Api-Auth',
      public: false,
      forwardCredential: true,
      timeoutMs: 5000,
    });
    assert.equal(route.upstream, 'http://127.0.0.1:8080');
    assert.equal(route.authHeader, 'x-api-auth');
    assert.deepEqual(route.methods, ['GET', 'HEAD']);
  });

  test('refuses each bad field by name', () => {
    refusedField({ ...base, name: '' }, 'name');
    refusedField({ ...base, name: 'a b' }, 'name');
    refusedField({ ...base, path: 'api' }, 'path');
    refusedField({ ...base, path: '/api/' }, 'path');
    refusedField({ ...base, path: '/api//x' }, 'path');
    refusedField({ ...base, path: '/api/../oauth' }, 'path');
    refusedField({ ...base, path: '/api/%2e%2e' }, 'path');
    for (const own of ['/oauth', '/oauth/token', '/user', '/admin/api', '/.well-known/x', '/gate', '/gate/check', '/rest_api', '/metrics', '/healthz', '/']) {
      refusedField({ ...base, path: own }, 'path');
    }
    refusedField({ ...base, upstream: 'ftp://example.com' }, 'upstream');
    refusedField({ ...base, upstream: 'file:///etc/passwd' }, 'upstream');
    refusedField({ ...base, upstream: 'not a url' }, 'upstream');
    refusedField({ ...base, upstream: 'http://u:p@example.com' }, 'upstream');
    refusedField({ ...base, upstream: 'http://example.com/base' }, 'upstream');
    refusedField({ ...base, methods: ['get'] }, 'methods[0]');
    refusedField({ ...base, methods: ['CONNECT'] }, 'methods[0]');
    refusedField({ ...base, methods: [] }, 'methods');
    refusedField({ ...base, auth: ['oauth'] }, 'auth[0]');
    refusedField({ ...base, auth: [] }, 'auth');
    refusedField({ ...base, allowIps: ['10.0.0.0/33'] }, 'allowIps[0]');
    refusedField({ ...base, denyIps: ['10.0.0'] }, 'denyIps[0]');
    refusedField({ ...base, denyIps: ['::1/129'] }, 'denyIps[0]');
    refusedField({ ...base, timeoutMs: 0 }, 'timeoutMs');
    refusedField({ ...base, timeoutMs: 1.5 }, 'timeoutMs');
    refusedField({ ...base, authHeader: 'Cookie' }, 'authHeader');
    refusedField({ ...base, authHeader: 'X-Gatehouse-User-Id' }, 'authHeader');
    refusedField({ ...base, authHeader: 'bad header' }, 'authHeader');
    refusedField({ ...base, public: 'yes' }, 'public');
    refusedField({ ...base, public: true, permission: 'x' }, 'public');
    refusedField({ ...base, colour: 'red' }, 'colour');
  });

  test('a set refuses duplicate names and overlapping paths', () => {
    const a = parseGateRoute(base);
    const b = parseGateRoute({ name: 'other', path: '/api/articles', methods: ['POST'] });
    const c = parseGateRoute({ name: 'third', path: '/api/articles', methods: ['POST', 'PUT'] });
    assert.throws(() => checkGateRouteSet([a, { ...a }]), /routes\[1\]\.name/);
    assert.throws(() => checkGateRouteSet([a, b]), /routes\[1\]\.path/);
    assert.throws(() => checkGateRouteSet([{ ...a, methods: ['GET'] }, b, c]), /routes\[2\]\.path/);
    checkGateRouteSet([{ ...a, methods: ['GET'] }, b]);
  });
});

describe('normaliseRequestTarget', () => {
  const ok = (target: string, path: string, query = ''): void => assert.deepEqual(normaliseRequestTarget(target), { path, query });
  const refused = (target: string): void => assert.ok('refused' in normaliseRequestTarget(target), `${target} should be refused`);

  test('keeps plain paths and queries, decodes unreserved characters only', () => {
    ok('/api/articles', '/api/articles');
    ok('/api/articles/', '/api/articles/');
    ok('/api/articles?x=1&y=%2F', '/api/articles', 'x=1&y=%2F');
    ok('/api/%61rticles', '/api/articles');
    ok('/api/a%7e%2d', '/api/a~-');
    ok('/api/a%20b%c3%a9', '/api/a%20b%C3%A9');
  });

  test('refuses every smuggling spelling', () => {
    for (const target of [
      'http://example.com/api/articles',
      '*',
      'example.com:80',
      '/api/articles#x',
      '/api/articles/../../oauth',
      '/api/articles/%2e%2e/admin',
      '/api/articles/%2E%2e/admin',
      '/api/articles/.',
      '/api/./articles',
      '//api/articles',
      '/api//articles',
      '/api/articles%2Fsecret',
      '/api/articles%2fsecret',
      '/api/articles%5csecret',
      '/api/articles\\secret',
      '/api/articles%3Fx',
      '/api/articles%23x',
      '/api/articles%00',
      '/api/articles%zz',
      '/api/articles%2',
      '/api/articles/%FF',
      '/api/art icles',
      '/api/art"icles',
    ]) {
      refused(target);
    }
  });
});

describe('matchGateRoute', () => {
  const route = (name: string, path: string, methods: string[] | null = null): GateRoute => ({ ...parseGateRoute({ name, path }), methods });
  const routes = [route('api', '/api'), route('articles', '/api/articles', ['GET', 'HEAD']), route('articles-write', '/api/articles', ['POST'])];
  const name = (path: string, method: string): string | undefined => {
    const m = matchGateRoute(routes, path, method);
    return 'route' in m ? m.route.name : undefined;
  };

  test('the longest prefix on segment boundaries wins', () => {
    assert.equal(name('/api/articles', 'GET'), 'articles');
    assert.equal(name('/api/articles/7', 'GET'), 'articles');
    assert.equal(name('/api/articles/', 'GET'), 'articles');
    assert.equal(name('/api/articlesX', 'GET'), 'api');
    assert.equal(name('/api/articles', 'POST'), 'articles-write');
    assert.equal(name('/api', 'DELETE'), 'api');
    assert.equal(name('/apix', 'GET'), undefined);
    assert.deepEqual(matchGateRoute(routes, '/other', 'GET'), { noRoute: true });
  });

  test('a method no route of the longest path allows is a 405 with Allow', () => {
    assert.deepEqual(matchGateRoute(routes, '/api/articles/1', 'DELETE'), { allow: ['GET', 'HEAD', 'POST'] });
  });
});
