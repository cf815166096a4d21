// test-engines: own
// Processes sharing one SQLite file (issue 10, finding 17): `gatehouse apply` beside a running
// instance under load succeeds while the instance keeps answering; an instance never waits for
// another process's write lock with its event loop stopped (a write it cannot make in time is a
// 503 with Retry-After, /healthz stays live); CLI commands wait out a lock held longer than any
// request would wait.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { basic, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
const MASTER = 'sqlite-write-lock-test-master-secret-0123456789';
let dir: string;
let dbPath: string;
let gh: Running;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-lock-'));
  dbPath = join(dir, 'shared.db');
  const databaseUrl = `sqlite:${dbPath}`;
  gh = await startGatehouse({ databaseUrl, clock: 'system', config: { databaseUrl, secret: MASTER } });
});

after(async () => {
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

function cliEnv(database: string): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: `sqlite:${database}`, GATEHOUSE_SECRET: MASTER, LOG_LEVEL: 'warn' };
}

function cli(database: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: cliEnv(database) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr, ms: performance.now() - started }));
  });
}

async function refreshToken(): Promise<string> {
  const res = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: 'backend',
    client_secret: SECRET,
    username: 'alice',
    password: PASSWORD,
  });
  assert.equal(res.status, 200, res.text);
  return res.body.refresh_token;
}

interface Answer {
  what: string;
  status: number;
  ms: number;
  retryAfter: string | null;
}

/** Requests that need the database to write (refresh), to read (client_credentials), and none (/healthz). */
async function loadUntil(stop: () => boolean, hardStop: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  await Promise.all(
    [0, 1, 2].map(async (worker) => {
      let token = await refreshToken();
      for (let n = 0; !stop() && Date.now() < hardStop; n++) {
        const what = ['refresh', 'client_credentials', 'healthz'][(worker + n) % 3];
        const started = performance.now();
        const res =
          what === 'refresh'
            ? await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('backend', SECRET) })
            : what === 'client_credentials'
              ? await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basic('backend', SECRET) })
              : await request(`${gh.url}/healthz`);
        answers.push({ what, status: res.status, ms: performance.now() - started, retryAfter: res.headers.get('retry-after') });
        // a refresh refused as unavailable spent nothing: the same token is tried again
        if (what === 'refresh' && res.status === 200) token = res.body.refresh_token;
      }
    }),
  );
  return answers;
}

function assertLive(answers: Answer[], boundMs: number): void {
  for (const a of answers) {
    assert.ok(a.status === 200 || (a.status === 503 && Number(a.retryAfter) > 0), `${a.what}: ${a.status} (only 200, or 503 with Retry-After)`);
  }
  const slowest = answers.reduce((worst, a) => (a.ms > worst.ms ? a : worst), answers[0]);
  // a liveness bound, not a speed target: a stopped event loop took 5–13 s here
  assert.ok(slowest.ms < boundMs, `${slowest.what} took ${Math.round(slowest.ms)} ms`);
}

test('apply of 50 users with passwords beside an instance under load: it succeeds, every request is answered in time', async (t) => {
  const file = join(dir, 'fifty.json');
  const users = Array.from({ length: 50 }, (_, i) => ({
    name: `load${i}`,
    mail: `load${i}@example.com`,
    password: `password-${i}-for-the-load-test`,
    roles: ['viewer'],
  }));
  writeFileSync(file, JSON.stringify({ users }));
  let applied = false;
  const load = loadUntil(() => applied, Date.now() + 60_000);
  await new Promise((r) => setTimeout(r, 300));
  const run = await cli(dbPath, ['apply', file, '--json']);
  await new Promise((r) => setTimeout(r, 300));
  applied = true;
  const answers = await load;

  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(Object.values(report.users).filter((o) => o === 'created').length, 50);
  assert.ok(answers.length >= 30, `the load overlapped the apply (${answers.length} requests in ${Math.round(run.ms)} ms)`);
  assertLive(answers, 2000);
  const slowest = Math.max(...answers.map((a) => a.ms));
  t.diagnostic(
    `apply ${Math.round(run.ms)} ms; ${answers.length} requests, ${answers.filter((a) => a.status === 503).length} answered 503, slowest ${Math.round(slowest)} ms`,
  );
  // the hashes made before the transaction are the users' passwords
  const login = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: 'backend',
    client_secret: SECRET,
    username: 'load7',
    password: 'password-7-for-the-load-test',
  });
  assert.equal(login.status, 200, login.text);
});

test('a write lock held by another process: writes wait without stopping the event loop, then 503 with Retry-After', async () => {
  const token = await refreshToken();
  const holder = new SQLite(dbPath);
  holder.exec('BEGIN IMMEDIATE');
  const holdMs = 4000;
  const released = new Promise<void>((resolve) =>
    setTimeout(() => {
      holder.exec('COMMIT');
      holder.close();
      resolve();
    }, holdMs),
  );
  try {
    const started = performance.now();
    const refresh = form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('backend', SECRET) }).then(
      (res) => ({ res, ms: performance.now() - started }),
    );
    const health: Answer[] = [];
    while (performance.now() - started < holdMs - 500) {
      const t = performance.now();
      const res = await request(`${gh.url}/healthz`);
      health.push({ what: 'healthz', status: res.status, ms: performance.now() - t, retryAfter: null });
      await new Promise((r) => setTimeout(r, 50));
    }
    const { res, ms } = await refresh;
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.error, 'temporarily_unavailable');
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    // the request budget (GATEHOUSE_DB_TIMEOUT_MS, 3000 ms), not SQLite's old 5 s busy wait
    assert.ok(ms < gh.config.dbTimeoutMs + 1000, `the refresh answered after ${Math.round(ms)} ms`);
    assert.ok(health.length >= 10, `/healthz was asked ${health.length} times during the hold`);
    assertLive(health, 1000);
  } finally {
    await released;
  }
  const after = await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('backend', SECRET) });
  assert.equal(after.status, 200, `the token refused as unavailable was not spent: ${after.text}`);
});

test('CLI commands wait out a write lock held longer than a request would wait (6 s)', async () => {
  const database = join(dir, 'cli.db');
  assert.equal((await cli(database, ['migrate'])).status, 0);
  const file = join(dir, 'small.json');
  writeFileSync(
    file,
    JSON.stringify({
      roles: [{ id: 'waiter', permissions: ['access user profiles'] }],
      users: [{ name: 'patient', mail: 'patient@example.com', password: PASSWORD, roles: ['waiter'] }],
    }),
  );
  const holder = new SQLite(database);
  holder.exec('BEGIN IMMEDIATE');
  setTimeout(() => {
    holder.exec('COMMIT');
    holder.close();
  }, 6000);
  const runs = await Promise.all([
    cli(database, ['apply', file, '--json']),
    cli(database, ['user', 'create', 'waiting', '--mail', 'waiting@example.com', '--json']),
    cli(database, ['client', 'create', 'waiting-client', '--json']),
    cli(database, ['keys', 'rotate', '--json']),
  ]);
  for (const run of runs) {
    assert.equal(run.status, 0, `waited and succeeded: ${run.stderr}`);
    assert.ok(run.ms >= 5000, `it did wait for the lock (${Math.round(run.ms)} ms)`);
  }
  assert.equal(JSON.parse(runs[0].stdout).users.patient, 'created');
});
