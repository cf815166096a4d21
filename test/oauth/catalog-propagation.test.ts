// test-engines: both
// A role or scope changed by another process (`gatehouse apply` beside a running instance) is in
// force at that instance within a second, on SQLite (change versions, polled) as on PostgreSQL
// (NOTIFY), as revocations are (issue 10, finding 16).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bearer, form, freePort, PASSWORD, request, SECRET, waitForHttp, WORLD } from '../helpers/gatehouse.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
const schema = process.env.GATEHOUSE_TEST_ENGINE === 'postgres' ? freshSchemaName() : null;
let dir: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess;
let url: string;

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

async function apply(doc: object): Promise<void> {
  const file = join(dir, 'change.json');
  writeFileSync(file, JSON.stringify(doc));
  const run = await cli(['apply', file]);
  assert.equal(run.status, 0, run.stderr);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-catalog-'));
  if (schema) await postgresSkip();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const databaseUrl = schema ? `${POSTGRES_URL}?schema=${schema}` : `sqlite:${join(dir, 'shared.db')}`;
  // the defaults an operator gets: GATEHOUSE_REVOCATION_POLL_MS is not set
  const { GATEHOUSE_REVOCATION_POLL_MS: _poll, ...rest } = process.env;
  env = {
    ...rest,
    DATABASE_URL: databaseUrl,
    GATEHOUSE_SECRET: 'catalog-propagation-master-secret-0123456789',
    GATEHOUSE_ISSUER: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  await apply(WORLD);
  server = spawn(process.execPath, [MAIN, 'serve'], { env, stdio: 'ignore' });
  await waitForHttp(`${url}/healthz`);
});

after(async () => {
  server?.kill('SIGTERM');
  if (server) await new Promise((r) => server.once('exit', r));
  if (schema) await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

test('scopes and roles changed by `gatehouse apply` are in force at a running instance within 1 s', async (t) => {
  const issued = await form(`${url}/oauth/token`, {
    grant_type: 'password',
    client_id: 'backend',
    client_secret: SECRET,
    username: 'alice',
    password: PASSWORD,
    scope: 'profile:read',
  });
  assert.equal(issued.status, 200, issued.text);
  const token = issued.body.access_token;
  const grants = async (permission: string): Promise<boolean> => {
    const res = await request(`${url}/oauth/debug`, { headers: bearer(token) });
    assert.equal(res.status, 200, res.text);
    return res.body.permissions[permission]?.access === true;
  };
  assert.equal(await grants('access user profiles'), true);
  assert.equal(await grants('view user email addresses'), false);

  const scope = (permission: string) => ({ scopes: [{ name: 'profile:read', description: 'Read user profiles', granularity: 'permission', permission }] });
  const editor = (permissions: string[]) => ({ roles: [{ id: 'editor', label: 'Editor', permissions }] });
  // alice is an editor; her token's access is her permissions ∩ the scope's, read at every request
  const rounds: [string, object, string, boolean][] = [
    ['scope now grants mail', scope('view user email addresses'), 'view user email addresses', true],
    ['scope back to profiles', scope('access user profiles'), 'access user profiles', true],
    ['role loses profiles', editor(['view user email addresses']), 'access user profiles', false],
    ['role regains profiles', editor(['access user profiles', 'view user email addresses']), 'access user profiles', true],
  ];
  const took: number[] = [];
  for (const [name, doc, permission, expected] of rounds) {
    await apply(doc);
    // from the end of the apply process, so later than its commit: the time is if anything short
    const started = performance.now();
    while ((await grants(permission)) !== expected) {
      assert.ok(performance.now() - started < 1500, `${name}: not in force after 1.5 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    took.push(Math.round(performance.now() - started));
  }
  t.diagnostic(`in force after ${took.join(', ')} ms`);
});
