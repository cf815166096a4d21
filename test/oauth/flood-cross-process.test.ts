// test-engines: both
// Flood control across processes: a burst of wrong passwords split between two Gatehouse
// processes over one database (one SQLite file; one PostgreSQL schema in the second pass) checks
// no more passwords, in sum, than the limit allows.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { testConfig } from '../../src/config.js';
import { form, freePort, SECRET, startGatehouse, waitForHttp, type Running } from '../helpers/gatehouse.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
const MASTER = 'flood-cross-process-master-secret-0123456789';
const METRICS = 'flood-cross-process-metrics-token-0123456789';
const schema = process.env.GATEHOUSE_TEST_ENGINE === 'postgres' ? freshSchemaName() : null;
let dir: string;
let a: Running;
let b: ChildProcess;
let bUrl: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-flood-xproc-'));
  if (schema) await postgresSkip();
  const databaseUrl = schema ? `${POSTGRES_URL}?schema=${schema}` : `sqlite:${join(dir, 'shared.db')}`;
  const flood = { ...testConfig().flood, userLimit: 5 };
  a = await startGatehouse({ databaseUrl, clock: 'system', config: { databaseUrl, secret: MASTER, metricsToken: METRICS, flood } });
  const port = await freePort();
  bUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    GATEHOUSE_SECRET: MASTER,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    GATEHOUSE_METRICS_TOKEN: METRICS,
    GATEHOUSE_FLOOD_USER_LIMIT: '5',
  };
  b = spawn(process.execPath, [MAIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  b.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  b.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForHttp(`${bUrl}/healthz`, 30_000, () => `(serve exited: ${b.exitCode ?? 'no'}; its output: ${output.slice(-2000)})`);
});

after(async () => {
  // a child that already exited (it failed to start) has no exit left to wait for
  if (b && b.exitCode === null && b.signalCode === null) {
    const exited = new Promise((r) => b.once('exit', r));
    b.kill('SIGTERM');
    await exited;
  }
  await a?.close();
  if (schema) await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

async function failedChecks(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith('gatehouse_failed_logins_total '));
  return line ? Number(line.split(' ')[1]) : 0;
}

test('40 wrong passwords at once, half to each process: 5 checked in all, the rest 429', async () => {
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      form(`${i % 2 ? bUrl : a.url}/oauth/token`, {
        grant_type: 'password',
        client_id: 'backend',
        client_secret: SECRET,
        username: 'bob',
        password: `wrong ${i}`,
      }),
    ),
  );
  const counts = answers.map((r) => r.status).join(' ');
  assert.equal(answers.filter((r) => r.status === 400).length, 5, counts);
  for (const res of answers.filter((r) => r.status !== 400)) {
    assert.equal(res.status, 429, res.text);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
  }
  assert.equal((await failedChecks(a.url)) + (await failedChecks(bUrl)), 5, 'passwords hashed by both processes together');
});
