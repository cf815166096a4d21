// Two processes on one database: what one revokes or rotates, the other honours — a revocation
// within 1 s, a new signing key as soon as a token signed with it arrives.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { basic, bearer, decodeJwt, form, freePort, PASSWORD, request, SECRET, startGatehouse, waitForHttp, type Running } from '../helpers/gatehouse.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
const ISSUER = 'http://gatehouse.test';
const MASTER = 'cross-process-master-secret-0123456789abcdef';
let dir: string;
let a: Running;
let b: ChildProcess;
let bUrl: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-xproc-'));
  const databaseUrl = `sqlite:${join(dir, 'shared.db')}`;
  a = await startGatehouse({ databaseUrl, clock: 'system', config: { databaseUrl, secret: MASTER, issuer: ISSUER, audience: ISSUER, revocationPollMs: 500 } });
  const port = await freePort();
  bUrl = `http://127.0.0.1:${port}`;
  env = { ...process.env, DATABASE_URL: databaseUrl, GATEHOUSE_SECRET: MASTER, GATEHOUSE_ISSUER: ISSUER, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  b = spawn(process.execPath, [MAIN, 'serve'], { env, stdio: 'ignore' });
  await waitForHttp(`${bUrl}/healthz`);
});

after(async () => {
  b?.kill('SIGTERM');
  if (b) await new Promise((r) => b.once('exit', r));
  await a?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tokenFromA(): Promise<string> {
  const res = await form(`${a.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username: 'alice', password: PASSWORD, scope: 'profile:read' });
  assert.equal(res.status, 200, res.text);
  return res.body.access_token;
}

test('a token revoked through the other instance is refused here within 1 s', async () => {
  const token = await tokenFromA();
  assert.equal((await request(`${bUrl}/oauth/debug`, { headers: bearer(token) })).status, 200, 'B verifies what A issued');
  assert.equal((await request(`${a.url}/oauth/debug`, { headers: bearer(token) })).status, 200);
  const revoked = await form(`${bUrl}/oauth/revoke`, { token }, { authorization: basic('backend', SECRET) });
  assert.equal(revoked.status, 200);
  const started = performance.now();
  let status = 200;
  while (performance.now() - started < 3000) {
    status = (await request(`${a.url}/oauth/debug`, { headers: bearer(token) })).status;
    if (status === 401) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = performance.now() - started;
  assert.equal(status, 401);
  assert.ok(elapsed <= 1000, `A refused the token after ${Math.round(elapsed)} ms`);
});

test('a key rotated by another process: tokens it signs verify here at once', async () => {
  const rotated = spawnSync(process.execPath, [MAIN, 'keys', 'rotate', '--json'], { env, encoding: 'utf8' });
  assert.equal(rotated.status, 0, rotated.stderr);
  const { kid } = JSON.parse(rotated.stdout);
  // B picks the new key up on its next reload; then the tokens it issues carry the new kid
  const deadline = Date.now() + 10_000;
  let token = '';
  while (Date.now() < deadline) {
    const res = await form(`${bUrl}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basic('backend', SECRET) });
    token = res.body.access_token;
    if (decodeJwt(token).header.kid === kid) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(decodeJwt(token).header.kid, kid, 'B signs with the rotated key');
  assert.equal((await request(`${a.url}/oauth/debug`, { headers: bearer(token) })).status, 200, 'A, which had not seen the key, verifies it');
});
