// The first start as an operator sees it (issue 10, findings 13 and 16): `gatehouse serve` on a
// fresh data folder under a permissive umask makes it private; the generated administrator
// password goes to standard error, framed, and never into the JSON log on standard output; a
// database found world-readable later is reported in the log and left as it is.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BrowserAgent } from '../helpers/browser-http.js';
import { freePort, waitForHttp } from '../helpers/gatehouse.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
const mode = (path: string): number => statSync(path).mode & 0o777;

interface Served {
  child: ChildProcess;
  base: string;
  stdout: () => string;
  stderr: () => string;
  stop(): Promise<void>;
}

function environment(db: string, port: number): NodeJS.ProcessEnv {
  const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, LOG_LEVEL: _l, ...rest } = process.env;
  return { ...rest, DATABASE_URL: `sqlite:${db}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' };
}

/** `gatehouse serve` with the given umask, as a shell would start it. */
async function serve(db: string, umask: string): Promise<Served> {
  const port = await freePort();
  const child = spawn('/bin/sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, MAIN, 'serve'], { env: environment(db, port) });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`, 30_000, () => stdout + stderr);
  return {
    child,
    base,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Every line of standard output is a JSON log record. */
function logRecords(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  assert.ok(lines.length > 0, 'the server logged something');
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return assert.fail(`a line of standard output is not JSON: ${line}`);
    }
  });
}

describe('first start', () => {
  let dir: string;
  let data: string;
  let db: string;
  let first: Served;
  let password: string;

  before(async () => {
    assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm test`');
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-first-'));
    data = join(dir, 'data');
    db = join(data, 'gatehouse.db');
    first = await serve(db, '000');
  });
  after(async () => {
    await first?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the administrator password is on standard error, once, framed; never in the JSON log', async () => {
    const stderr = first.stderr();
    const match = /Created the administrator account "admin" \(uid 1\)\. Its password, shown only this once:\n\n {4}(\S+)\n/.exec(stderr);
    assert.ok(match, `the banner is on standard error: ${stderr}`);
    password = match[1];
    assert.equal(stderr.split(password).length - 1, 1, 'shown exactly once');
    assert.match(stderr, /^-{20,}\n/m, 'framed');
    const login = await new BrowserAgent(first.base).login('admin', password, '/admin');
    assert.equal(login.status, 303, 'the password logs the administrator in');
    assert.equal(login.location, '/admin');
    const stdout = first.stdout();
    for (const record of logRecords(stdout)) assert.equal(typeof record.level, 'number');
    assert.ok(!stdout.includes(password), 'the password is not on standard output');
    assert.ok(!stdout.includes(password.slice(0, 8)), 'nor any part of it');
  });

  test('under umask 000 the data folder is 0700 and its files 0600', () => {
    assert.equal(mode(data), 0o700, 'data folder');
    for (const file of ['gatehouse.db', 'gatehouse.db-wal', 'gatehouse.db-shm', 'gatehouse.secret']) {
      assert.equal(mode(join(data, file)), 0o600, file);
    }
  });

  test('a database and folder found open to others are reported in the log and left alone', async () => {
    await first.stop();
    chmodSync(data, 0o755);
    chmodSync(db, 0o644);
    const again = await serve(db, '022');
    try {
      await new Promise((r) => setTimeout(r, 200));
      const warnings = logRecords(again.stdout())
        .filter((r) => r.level === 40)
        .map((r) => String(r.msg));
      assert.ok(
        warnings.some((m) => m.startsWith(`${data} has mode 0755, wider than 0700`)),
        warnings.join('\n'),
      );
      assert.ok(
        warnings.some((m) => m.startsWith(`${db} has mode 0644, wider than 0600`)),
        warnings.join('\n'),
      );
      assert.doesNotMatch(again.stderr(), /password/i, 'no second administrator');
    } finally {
      await again.stop();
    }
    assert.equal(mode(data), 0o755);
    assert.equal(mode(db), 0o644);
    // the other commands say it on standard error
    const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, ...rest } = process.env;
    const migrate = spawnSync(process.execPath, [MAIN, 'migrate'], { env: { ...rest, DATABASE_URL: `sqlite:${db}` }, encoding: 'utf8' });
    assert.equal(migrate.status, 0, migrate.stderr);
    assert.match(migrate.stderr, new RegExp(`^gatehouse: warning: ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} has mode 0644`, 'm'));
    assert.equal(migrate.stderr.split('has mode 0644').length - 1, 1, 'once, though the command opens the store twice');
  });
});
