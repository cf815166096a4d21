// The forward-auth behaviour every front proxy must show (issue 12 part 3), declared once and run
// by test/gate/nginx-forward-auth.test.ts and test/gate/caddy-forward-auth.test.ts against a real
// nginx or Caddy running the README's configuration verbatim (only its ports changed), a real
// Gatehouse deciding at /gate/check, and a recording upstream behind the proxy.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { form, freePort, PASSWORD, type Running, SECRET, startGatehouse, WORLD } from './gatehouse.js';
import {
  type RawResponse,
  type RecordingUpstream,
  type RunningProxy,
  rawRequest,
  readmeConfig,
  resolvedPath,
  startRecordingUpstream,
  withPorts,
} from './proxies.js';

/** The routes Gatehouse decides with; none has an upstream: the proxy in front forwards. */
export const FORWARD_AUTH_ROUTES = [
  { name: 'articles', path: '/api/articles', methods: ['GET', 'HEAD', 'POST'], auth: ['bearer'], permission: 'access user profiles' },
  { name: 'admin', path: '/api/admin', auth: ['bearer'], scopes: ['users:admin'] },
  { name: 'internal', path: '/api/internal', public: true, allowIps: ['10.0.0.0/8'] },
  { name: 'either', path: '/api/either', auth: ['bearer', 'basic'] },
];

export interface ProxyUnderTest {
  name: 'nginx' | 'caddy';
  /** the file under deploy/ that must equal the README's block */
  deployFile: string;
  skip: () => false | string;
  start: (config: string, port: number) => Promise<RunningProxy>;
}

/** HTTP Basic as a user's client sends it (no form-encoding, unlike client_secret_basic). */
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Client-sent identity headers that must never reach the upstream as sent. */
const SPOOFED = {
  'x-gatehouse-user-id': '4',
  'x-gatehouse-user-name': 'root',
  'x-gatehouse-client-id': 'spoofed-client',
  'x-gatehouse-scopes': 'users:admin',
  'x-gatehouse-auth-method': 'basic',
  'x-gatehouse-route': 'admin',
  'x-gatehouse-identity': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiI0In0.',
};

/** Spellings of a path outside /api/articles that start inside it (or look as if they did). */
const SMUGGLED = [
  '/api/articles/../admin/users',
  '/api/articles/../../secret',
  '/api/articles/%2e%2e/admin/users',
  '/api/articles/%2E%2E/%2E%2E/secret',
  '/api/articles/..%2fadmin/users',
  '/api/articles%2f..%2fadmin/users',
  '/api/articles/.%2e/admin/users',
  '/api/articles/./../admin/users',
  '/api/articles/%252e%252e/admin/users',
  '/api/articles/..;/admin/users',
  '/api/articles/%3f/../../admin/users',
  '/api/articles\\..\\admin/users',
  '//api/admin/users',
  '//secret',
  '///api/articles/../secret',
  '/api/articlesX',
  '/api/articles/../internal',
];

export function forwardAuthSuite(proxy: ProxyUnderTest): void {
  let skip: false | string;
  try {
    skip = proxy.skip();
  } catch (error) {
    // CI=true and the binary missing: every test fails with the reason
    skip = false;
    test(`${proxy.name} is installed`, () => {
      throw error;
    });
    return;
  }

  describe(`${proxy.name} forward auth (the README's configuration, verbatim)`, { skip }, () => {
    let gh: Running;
    let ghClosed = false;
    let upstream: RecordingUpstream;
    let front: RunningProxy;
    let aliceToken: string;
    let bobToken: string;

    before(async () => {
      gh = await startGatehouse({
        databaseUrl: 'sqlite::memory:',
        clock: 'system',
        config: { trustProxy: true },
        world: { ...WORLD, routes: FORWARD_AUTH_ROUTES },
      });
      upstream = await startRecordingUpstream();
      const port = await freePort();
      const config = withPorts(readmeConfig(proxy.name), { gatehouse: Number(new URL(gh.url).port), upstream: upstream.port, proxy: port });
      front = await proxy.start(config, port);
      aliceToken = await clientCredentials('backend');
      bobToken = await clientCredentials('script');
    });

    after(async () => {
      await front?.stop();
      await upstream?.close();
      if (!ghClosed) await gh?.close();
    });

    async function clientCredentials(clientId: string): Promise<string> {
      const res = await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: SECRET, scope: 'profile:read' });
      assert.equal(res.status, 200, res.text);
      return res.body.access_token as string;
    }

    /** Sends through the proxy; returns the answer and what the upstream received for it. */
    async function through(target: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
      const before = upstream.received.length;
      const res = await rawRequest(front.port, target, options);
      return { res, received: upstream.received.slice(before), where: `${options.method ?? 'GET'} ${target} → ${res.status} ${res.text.slice(0, 300)}` };
    }

    /** What Gatehouse itself answers at /gate/check for the same request. */
    async function direct(target: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
      return rawRequest(Number(new URL(gh.url).port), '/gate/check', {
        headers: { ...options.headers, 'x-forwarded-method': options.method ?? 'GET', 'x-forwarded-uri': target },
      });
    }

    /** The proxy hands on Gatehouse's refusal as Gatehouse wrote it, and the upstream saw nothing. */
    async function refusedAsGatehouseSays(target: string, options: { method?: string; headers?: Record<string, string> } = {}) {
      const { res, received, where } = await through(target, options);
      const own = await direct(target, options);
      assert.ok(own.status >= 400, `Gatehouse refuses ${target}: ${own.status}`);
      assert.equal(res.status, own.status, where);
      assert.deepEqual(res.body, own.body, where);
      assert.equal(res.headers['www-authenticate'], own.headers['www-authenticate'], `${where}: WWW-Authenticate`);
      // seconds left, read a moment apart
      assert.equal(res.headers['retry-after'] === undefined, own.headers['retry-after'] === undefined, `${where}: Retry-After`);
      assert.ok(Math.abs(Number(res.headers['retry-after'] ?? 0) - Number(own.headers['retry-after'] ?? 0)) <= 2, `${where}: Retry-After`);
      assert.equal(res.headers.allow, own.headers.allow, `${where}: Allow`);
      assert.deepEqual(received, [], `${where}: nothing reached the upstream`);
      return res;
    }

    test(`the README's ${proxy.name} configuration is ${proxy.deployFile}`, () => {
      assert.equal(readmeConfig(proxy.name), readFileSync(join(process.cwd(), proxy.deployFile), 'utf8'));
    });

    test('no credential: 401 MISSING_AUTHORIZATION_HEADER with the Bearer challenge, nothing forwarded', async () => {
      const res = await refusedAsGatehouseSays('/api/articles/1');
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'MISSING_AUTHORIZATION_HEADER');
      assert.equal(res.body.status, 'error');
      assert.match(String(res.headers['www-authenticate']), /^Bearer realm="gatehouse"/);
      assert.match(String(res.headers['content-type']), /^application\/json/);
    });

    test('a bad token: 401 INVALID_ACCESS_TOKEN; another scheme: 401 naming the accepted ones', async () => {
      const bad = await refusedAsGatehouseSays('/api/articles/1', { headers: { authorization: `Bearer ${aliceToken.slice(0, -4)}AAAA` } });
      assert.equal(bad.status, 401);
      assert.equal(bad.body.error, 'INVALID_ACCESS_TOKEN');
      const scheme = await refusedAsGatehouseSays('/api/articles/1', { headers: { authorization: 'Digest username="alice"' } });
      assert.equal(scheme.status, 401);
      assert.equal(scheme.body.error, 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE');
    });

    test('a valid bearer token passes: the upstream gets the request and the identity, not the credential', async () => {
      const { res, received, where } = await through('/api/articles/7?fields=title', { headers: { authorization: `Bearer ${aliceToken}` } });
      assert.equal(res.status, 200, where);
      assert.deepEqual(res.body, { upstream: true, url: '/api/articles/7?fields=title' });
      assert.equal(received.length, 1, where);
      const headers = received[0].headers;
      const alice = await gh.store.users.findByName('alice');
      assert.equal(headers['x-gatehouse-user-id'], String(alice!.uid));
      assert.equal(headers['x-gatehouse-user-name'], 'alice');
      assert.equal(headers['x-gatehouse-client-id'], 'backend');
      assert.equal(headers['x-gatehouse-scopes'], 'profile:read');
      assert.equal(headers['x-gatehouse-auth-method'], 'bearer');
      assert.equal(headers['x-gatehouse-route'], 'articles');
      assert.equal(headers.authorization, undefined, 'the credential stays at the gate');
      // the identity JWT is what an upstream may trust without trusting the network
      const identity = String(headers['x-gatehouse-identity']);
      assert.equal(decodeProtectedHeader(identity).typ, 'gatehouse-identity+jwt');
      const { payload, protectedHeader } = await jwtVerify(identity, createRemoteJWKSet(new URL(`${gh.url}/oauth/jwks`)), {
        audience: 'articles',
        typ: 'gatehouse-identity+jwt',
        algorithms: ['ES256'],
      });
      assert.equal(protectedHeader.alg, 'ES256');
      assert.ok(payload.exp! - payload.iat! <= 60, 'lives 60 s at most');
      assert.ok(JSON.stringify(payload).includes(String(alice!.uid)), 'carries the user id');
    });

    test('a POST body reaches the upstream whole (the check itself carries none)', async () => {
      const body = JSON.stringify({ title: 'A body', text: 'x'.repeat(20_000) });
      const { res, received, where } = await through('/api/articles', {
        method: 'POST',
        headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        body,
      });
      assert.equal(res.status, 200, where);
      assert.equal(received.length, 1, where);
      assert.equal(received[0].method, 'POST');
      assert.equal(received[0].body, body);
    });

    test('client-sent X-Gatehouse-* headers are not trusted: replaced with what Gatehouse proved', async () => {
      const { res, received, where } = await through('/api/articles/1', { headers: { authorization: `Bearer ${aliceToken}`, ...SPOOFED } });
      assert.equal(res.status, 200, where);
      const headers = received[0].headers;
      assert.equal(headers['x-gatehouse-user-name'], 'alice');
      assert.notEqual(headers['x-gatehouse-user-id'], SPOOFED['x-gatehouse-user-id']);
      assert.equal(headers['x-gatehouse-client-id'], 'backend');
      assert.equal(headers['x-gatehouse-scopes'], 'profile:read');
      assert.equal(headers['x-gatehouse-auth-method'], 'bearer');
      assert.equal(headers['x-gatehouse-route'], 'articles');
      assert.notEqual(headers['x-gatehouse-identity'], SPOOFED['x-gatehouse-identity']);
      for (const [name, value] of Object.entries(headers)) assert.ok(!String(value).includes('{http.'), `${name}: ${value}`);
      // and without a credential the spoofed identity gets nowhere
      await refusedAsGatehouseSays('/api/articles/1', { headers: SPOOFED });
    });

    test('a route accepting several methods: every challenge reaches the client; Basic passes without a client id', async () => {
      const res = await refusedAsGatehouseSays('/api/either/1');
      assert.equal(res.status, 401);
      assert.match(String(res.headers['www-authenticate']), /Bearer realm="gatehouse"/);
      assert.match(String(res.headers['www-authenticate']), /Basic realm="gatehouse"/);
      const { res: passed, received, where } = await through('/api/either/1', { headers: { authorization: basic('alice', PASSWORD), ...SPOOFED } });
      assert.equal(passed.status, 200, where);
      const headers = received[0].headers;
      assert.equal(headers['x-gatehouse-auth-method'], 'basic');
      assert.equal(headers['x-gatehouse-user-name'], 'alice');
      assert.equal(headers['x-gatehouse-client-id'], undefined, 'no client for Basic, and not the spoofed one');
      assert.equal(headers.authorization, undefined);
      for (const [name, value] of Object.entries(headers)) assert.ok(!String(value).includes('{http.'), `${name}: ${value}`);
    });

    test('too many wrong passwords: 429 TOO_MANY_ATTEMPTS with Retry-After reaches the client', async () => {
      let last: RawResponse | undefined;
      for (let i = 0; i < 12 && last?.status !== 429; i++) {
        last = (await through('/api/either/1', { headers: { authorization: basic('bob', `wrong-${i}`) } })).res;
        assert.ok(last.status === 401 || last.status === 429, `${last.status} ${last.text}`);
      }
      const res = await refusedAsGatehouseSays('/api/either/1', { headers: { authorization: basic('bob', 'wrong-again') } });
      assert.equal(res.status, 429);
      assert.equal(res.body.error, 'TOO_MANY_ATTEMPTS');
      assert.match(String(res.headers['retry-after']), /^\d+$/);
    });

    test('a credential lacking the permission or scope: 403 INSUFFICIENT_SCOPE naming what is missing', async () => {
      const bob = await refusedAsGatehouseSays('/api/articles/1', { headers: { authorization: `Bearer ${bobToken}` } });
      assert.equal(bob.status, 403);
      assert.equal(bob.body.error, 'INSUFFICIENT_SCOPE');
      const admin = await refusedAsGatehouseSays('/api/admin/users', { headers: { authorization: `Bearer ${aliceToken}` } });
      assert.equal(admin.status, 403);
      assert.match(admin.body.error_description, /users:admin/);
    });

    test('a path outside every route: 404 NO_ROUTE (never falls open); a method the route lacks: 405 with Allow', async () => {
      for (const target of ['/', '/other', '/api', '/api/articlesX', '/_gatehouse_check', '/gate/check']) {
        const { res, received, where } = await through(target, { headers: { authorization: `Bearer ${aliceToken}` } });
        assert.ok(res.status === 404 || res.status === 403, where);
        assert.deepEqual(received, [], where);
      }
      const other = await refusedAsGatehouseSays('/other', { headers: { authorization: `Bearer ${aliceToken}` } });
      assert.equal(other.status, 404);
      assert.equal(other.body.error, 'NO_ROUTE');
      const method = await refusedAsGatehouseSays('/api/articles/1', { method: 'DELETE', headers: { authorization: `Bearer ${aliceToken}` } });
      assert.equal(method.status, 405);
      assert.match(String(method.headers.allow), /GET/);
    });

    test('an address claimed by the client in X-Forwarded-For is not believed', async () => {
      const { res, received, where } = await through('/api/internal/status', { headers: { 'x-forwarded-for': '10.1.2.3' } });
      assert.equal(res.status, 403, where);
      assert.equal(res.body?.error, 'IP_NOT_ALLOWED', where);
      assert.deepEqual(received, [], where);
    });

    test('path spellings never carry a request to an upstream path its route does not allow', async () => {
      for (const target of SMUGGLED) {
        for (const headers of [{ authorization: `Bearer ${aliceToken}` }, {}] as Record<string, string>[]) {
          const { res, received, where } = await through(target, { headers });
          for (const got of received) {
            const landed = resolvedPath(got.url);
            assert.ok(landed === '/api/articles' || landed.startsWith('/api/articles/'), `${where}: the upstream got ${got.url} (${landed})`);
            assert.ok(headers.authorization, `${where}: reached the upstream without a credential`);
          }
          if (received.length === 0) assert.ok(res.status >= 400, where);
        }
      }
    });

    test('Gatehouse unreachable: the proxy refuses (fails closed), nothing is forwarded', async () => {
      ghClosed = true;
      await gh.close();
      const { res, received, where } = await through('/api/articles/1', { headers: { authorization: `Bearer ${aliceToken}` } });
      assert.ok(res.status >= 500, where);
      assert.deepEqual(received, [], where);
    });
  });
}
