// Signing keys are encrypted under GATEHOUSE_SECRET (RFC 6819 §5.1.4.1.4): `serve` started with
// another secret cannot open them, and stops with a reason instead of serving without its keys.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/gatehouse.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
let dir: string;
before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm install` / `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-secret-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], secret: string, port = 0): { status: number | null; stdout: string; stderr: string } {
  const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, ...rest } = process.env;
  const env = {
    ...rest,
    DATABASE_URL: `sqlite:${join(dir, 'gatehouse.db')}`,
    GATEHOUSE_SECRET: secret,
    LOG_LEVEL: 'error',
    PORT: String(port),
    HOST: '127.0.0.1',
  };
  const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('serve with another GATEHOUSE_SECRET refuses to start, naming the key it cannot open', async () => {
  const made = run(['keys', 'rotate'], 'the-secret-the-keys-were-stored-with-0123');
  assert.equal(made.status, 0, made.stderr);
  const served = run(['serve'], 'another-secret-another-secret-another-0123', await freePort());
  assert.notEqual(served.status, null, 'serve exited instead of serving (or hanging)');
  assert.notEqual(served.status, 0);
  assert.match(served.stderr, /gatehouse: cannot decrypt signing key \S+: GATEHOUSE_SECRET differs from the one the key was stored with/);
  // it stops before making the administrator: a password printed by a server that never served
  // would be lost, and the account would stay behind
  assert.doesNotMatch(served.stderr, /Created the administrator/);
  const users = run(['user', 'list', '--json'], 'the-secret-the-keys-were-stored-with-0123');
  assert.equal(users.status, 0, users.stderr);
  assert.deepEqual(JSON.parse(users.stdout).users, []);
});
