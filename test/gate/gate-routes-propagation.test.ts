// test-engines: both
// Routes set by `gatehouse apply` in another process are in force at every running instance
// within a second (issue 12 part 1): two `serve` processes over one database, an upstream, and the
// CLI changing the routes beside them — on SQLite (change versions) and PostgreSQL (NOTIFY).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, request, waitForHttp } from '../helpers/gatehouse.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';
import { startUpstream, type Upstream } from './recording-upstream.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
const schema = process.env.GATEHOUSE_TEST_ENGINE === 'postgres' ? freshSchemaName() : null;
let dir: string;
let env: NodeJS.ProcessEnv;
const servers: ChildProcess[] = [];
const urls: string[] = [];
let up: Upstream;

function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

async function apply(doc: object): Promise<{ status: number; stdout: string; stderr: string }> {
  const file = join(dir, 'routes.json');
  writeFileSync(file, JSON.stringify(doc));
  return cli(['apply', file]);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-routes-'));
  if (schema) await postgresSkip();
  up = await startUpstream();
  const databaseUrl = schema ? `${POSTGRES_URL}?schema=${schema}` : `sqlite:${join(dir, 'shared.db')}`;
  const { GATEHOUSE_REVOCATION_POLL_MS: _poll, ...rest } = process.env;
  env = { ...rest, DATABASE_URL: databaseUrl, GATEHOUSE_SECRET: 'gate-routes-propagation-secret-0123456789', HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  const migrated = await cli(['migrate']);
  assert.equal(migrated.status, 0, migrated.stderr);
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    servers.push(spawn(process.execPath, [MAIN, 'serve'], { env: { ...env, PORT: String(port), GATEHOUSE_ISSUER: url }, stdio: 'ignore' }));
    urls.push(url);
  }
  for (const url of urls) await waitForHttp(`${url}/healthz`);
});

after(async () => {
  for (const server of servers) server.kill('SIGTERM');
  await Promise.all(servers.map((server) => new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)))));
  await up?.close();
  if (schema) await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

test('a route added, changed and removed by `gatehouse apply` is in force at both instances within 1 s', async (t) => {
  const status = async (url: string, path: string): Promise<number> => (await request(`${url}${path}`)).status;
  const rounds: [string, object, string, number][] = [
    ['public route added', { routes: [{ name: 'news', path: '/news', upstream: up.url, public: true }] }, '/news/1', 200],
    ['made protected', { routes: [{ name: 'news', path: '/news', upstream: up.url }] }, '/news/1', 401],
    ['removed', { routes: [] }, '/news/1', 404],
  ];
  const took: number[] = [];
  for (const [name, doc, path, expected] of rounds) {
    const run = await apply(doc);
    assert.equal(run.status, 0, run.stderr);
    const started = performance.now();
    for (const url of urls) {
      while ((await status(url, path)) !== expected) {
        assert.ok(performance.now() - started < 1500, `${name}: not in force at ${url} after 1.5 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    took.push(Math.round(performance.now() - started));
  }
  t.diagnostic(`in force at both after ${took.join(', ')} ms`);
});

test('apply refuses a bad route naming its field, and applies nothing of the file', async () => {
  const good = { name: 'ok', path: '/ok', upstream: up.url };
  const cases: [object, RegExp][] = [
    [{ routes: [good, { ...good }] }, /routes\[1\]\.name/],
    [{ routes: [{ ...good, upstream: 'ftp://x' }] }, /routes\[0\]\.upstream/],
    [{ routes: [{ ...good, allowIps: ['10.0.0.0/40'] }] }, /routes\[0\]\.allowIps\[0\]/],
    [{ routes: [{ ...good, auth: ['oauth'] }] }, /routes\[0\]\.auth\[0\]/],
    [{ routes: [{ ...good, path: '/oauth/token' }] }, /routes\[0\]\.path.*shadow/],
    [{ routes: [{ ...good, path: 'api' }] }, /routes\[0\]\.path/],
    [{ routes: [{ ...good, colour: 'red' }] }, /routes\[0\]/],
    [{ routes: [good, { name: 'other', path: '/ok' }] }, /routes\[1\]\.path.*overlaps/],
  ];
  for (const [doc, pattern] of cases) {
    const run = await apply({ roles: [{ id: 'should_not_exist', label: 'No', permissions: [] }], ...doc });
    assert.equal(run.status, 1, JSON.stringify(doc));
    assert.match(run.stderr, pattern);
  }
  const roles = await cli(['role', 'list', '--json']);
  assert.doesNotMatch(roles.stdout, /should_not_exist/);
});

test('apply reports routes created, updated, unchanged and removed; a dry run changes nothing', async () => {
  let run = await apply({
    routes: [
      { name: 'a', path: '/a', upstream: up.url },
      { name: 'b', path: '/b' },
    ],
  });
  assert.match(run.stdout, /route a: created/);
  run = await apply({ routes: [{ name: 'a', path: '/a', upstream: up.url, timeoutMs: 1000 }] });
  assert.match(run.stdout, /route a: updated/);
  assert.match(run.stdout, /route b: removed/);
  const file = join(dir, 'dry.json');
  writeFileSync(file, JSON.stringify({ routes: [] }));
  run = await cli(['apply', '--dry-run', file]);
  assert.match(run.stdout, /route a: would be removed/);
  run = await apply({ routes: [{ name: 'a', path: '/a', upstream: up.url, timeoutMs: 1000 }] });
  assert.match(run.stdout, /route a: unchanged/);
  run = await apply({ roles: [] });
  assert.doesNotMatch(run.stdout, /route/, 'a file without routes: leaves them alone');
});
