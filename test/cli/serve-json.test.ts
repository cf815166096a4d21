// `gatehouse serve --json`: on the first start the administrator's generated password is one JSON
// line on standard error (for scripts that set a server up), still never in the log on stdout.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { verifyPassword } from '../../src/crypto/passwords.js';
import { openStore } from '../../src/store/open-store.js';
import { freePort, waitForHttp } from '../helpers/gatehouse.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
let dir: string;

before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-serve-json-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the first-start administrator as one JSON line on standard error; the log on stdout does not hold it', async () => {
  const db = join(dir, 'data', 'gatehouse.db');
  const port = await freePort();
  const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, LOG_LEVEL: _l, ...rest } = process.env;
  const child = spawn(process.execPath, [MAIN, 'serve', '--json'], {
    env: { ...rest, DATABASE_URL: `sqlite:${db}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, () => stdout + stderr);
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
  const lines = stderr.split('\n').filter((l) => l.startsWith('{'));
  assert.equal(lines.length, 1, stderr);
  const { administratorCreated } = JSON.parse(lines[0]);
  assert.equal(administratorCreated.name, 'admin');
  assert.equal(administratorCreated.uid, 1);
  assert.match(administratorCreated.login, /\/admin$/);
  assert.ok(administratorCreated.password.length >= 20);
  assert.ok(!stdout.includes(administratorCreated.password), 'never in the log');
  const store = await openStore(`sqlite:${db}`);
  try {
    assert.equal(
      (await verifyPassword(administratorCreated.password, (await store.users.findById(1))!.passHash)).ok,
      true,
      'the password shown is the one stored',
    );
  } finally {
    await store.close();
  }
});
