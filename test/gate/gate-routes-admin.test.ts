// test-engines: both
// Gate routes through the admin API (permission "administer gate routes", refusals naming the
// field, in force at once) and the CLI (`gatehouse route list|show`, --json).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApplyDocument } from '../../src/admin/apply.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { bearer, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { startUpstream, type Upstream } from './recording-upstream.js';

const WORLD: ApplyDocument = {
  ...ADMIN_WORLD,
  scopes: [
    ...(ADMIN_WORLD.scopes ?? []),
    { name: 'admin:routes', description: 'administer gate routes', granularity: 'permission', permission: 'administer gate routes' },
  ],
  clients: [
    ...(ADMIN_WORLD.clients ?? []).filter((c) => c.clientId !== 'admin-tool'),
    { clientId: 'admin-tool', secret: SECRET, grantTypes: ['password', 'refresh_token'], scopes: ['admin:routes', 'admin:users'] },
  ],
};
const API = '/admin/api/v1';

describe('gate routes in the admin API and the CLI', () => {
  let gh: Running;
  let up: Upstream;
  let token: string;
  let dir: string;
  before(async () => {
    // a file, so the CLI (another process) opens the same database; PostgreSQL: a schema of its own
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-routes-admin-'));
    const databaseUrl = process.env.GATEHOUSE_TEST_ENGINE === 'postgres' ? undefined : `sqlite:${join(dir, 'gh.db')}`;
    gh = await startGatehouse({ world: WORLD, clock: 'system', databaseUrl });
    up = await startUpstream();
    token = await adminToken(gh, ['admin:routes']);
  });
  after(async () => {
    await gh?.close();
    await up?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, body?: unknown, as = token) =>
    request(`${gh.url}${API}${path}`, {
      method,
      headers: { ...bearer(as), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test('needs "administer gate routes"', async () => {
    assert.equal((await request(`${gh.url}${API}/routes`)).status, 401);
    const other = await adminToken(gh, ['admin:users']);
    const res = await call('GET', '/routes', undefined, other);
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate') ?? '', /scope="administer gate routes"/);
  });

  test('put, get, list, delete; a put is in force at once', async () => {
    let res = await call('PUT', '/routes/news', { path: '/news', upstream: up.url, public: true });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { name: 'news', path: '/news', upstream: up.url, auth: ['bearer'], public: true });
    const started = Date.now();
    while ((await request(`${gh.url}/news`)).status !== 200) {
      assert.ok(Date.now() - started < 1000, 'in force within a second');
      await new Promise((r) => setTimeout(r, 10));
    }
    res = await call('PUT', '/routes/news', { path: '/news', upstream: up.url, methods: ['GET'] });
    assert.equal(res.status, 200);
    assert.deepEqual((await call('GET', '/routes/news')).body.methods, ['GET']);
    assert.deepEqual(
      (await call('GET', '/routes')).body.map((r: { name: string }) => r.name),
      ['news'],
    );
    assert.equal((await call('DELETE', '/routes/news')).status, 204);
    assert.equal((await call('GET', '/routes/news')).status, 404);
    assert.equal((await call('DELETE', '/routes/news')).status, 404);
  });

  test('refusals name the field', async () => {
    const cases: [unknown, string][] = [
      [{ path: '/oauth/x' }, 'path'],
      [{ path: '/x', upstream: 'gopher://x' }, 'upstream'],
      [{ path: '/x', allowIps: ['300.1.1.1'] }, 'allowIps[0]'],
      [{ path: '/x', auth: ['oauth'] }, 'auth.0'],
      [{ path: '/x', colour: 'red' }, 'colour'],
      [{ path: '/x', name: 'other' }, 'name'],
      [{ upstream: up.url }, 'path'],
    ];
    for (const [body, field] of cases) {
      const res = await call('PUT', '/routes/x', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.field, field, JSON.stringify(res.body));
    }
    assert.equal((await call('PUT', '/routes/one', { path: '/same' })).status, 200);
    const res = await call('PUT', '/routes/two', { path: '/same' });
    assert.equal(res.status, 400);
    assert.equal(res.body.field, 'path');
    assert.match(res.body.message, /overlaps route "one"/);
    await call('DELETE', '/routes/one');
  });

  test('gatehouse route list and show, with --json', async () => {
    assert.equal(
      (await call('PUT', '/routes/articles', { path: '/api/articles', upstream: up.url, methods: ['GET'], permission: 'access content' })).status,
      200,
    );
    const cli = (args: string[]) => {
      const { GATEHOUSE_SECRET: _s, ...rest } = process.env;
      const r = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'main.js'), ...args], {
        env: { ...rest, DATABASE_URL: gh.databaseUrl, GATEHOUSE_SECRET: gh.config.secret, LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    let r = cli(['route', 'list']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /ROUTE\s+PATH/);
    assert.match(r.stdout, /articles\s+\/api\/articles\s+GET\s+bearer "access content"/);
    r = cli(['route', 'list', '--json']);
    assert.deepEqual(JSON.parse(r.stdout), [
      { name: 'articles', path: '/api/articles', upstream: up.url, methods: ['GET'], auth: ['bearer'], permission: 'access content' },
    ]);
    r = cli(['route', 'show', 'articles']);
    assert.match(r.stdout, /timeoutMs:\s+30000/);
    r = cli(['route', 'show', 'nope']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no route "nope"/);
  });
});
