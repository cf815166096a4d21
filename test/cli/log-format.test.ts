// The log stream of `gatehouse serve`: JSON lines when standard output is a pipe or a file (log
// shippers), human lines (pino-pretty) in a terminal, GATEHOUSE_LOG_FORMAT to force either — and in
// every format no query string, token, secret or password reaches it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { basic, form, freePort, waitForHttp } from '../helpers/gatehouse.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
let dir: string;

before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-logs-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Values that travel in requests below and must never be written to the log. */
const SECRETS = ['query-secret-0123456789', 'password-secret-0123456789', 'client-secret-0123456789abcdef0123456789', 'code-secret-0123456789'];

function environment(name: string, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(GATEHOUSE_|DATABASE_URL$|LOG_LEVEL$|PORT$|HOST$|REDIS_URL$)/.test(key)));
  return { ...clean, DATABASE_URL: `sqlite:${join(dir, name, 'gatehouse.db')}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...extra };
}

/**
 * Starts serve (through `script` for a terminal), sends requests carrying the secrets above, stops
 * it, and returns what it wrote to standard output.
 */
async function serveAndLog(name: string, extra: Record<string, string>, terminal = false): Promise<string> {
  const port = await freePort();
  const env = environment(name, port, extra);
  const child = terminal
    ? spawn('script', ['-qfec', `exec "${process.execPath}" "${MAIN}" serve`, '/dev/null'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [MAIN, 'serve'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`, 30_000, () => stdout + stderr);
    await fetch(`${base}/oauth/authorize?client_id=x&code=${SECRETS[0]}&state=${SECRETS[3]}`);
    await form(`${base}/oauth/token`, { grant_type: 'password', username: 'admin', password: SECRETS[1], client_id: 'nobody' });
    await form(`${base}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basic('nobody', SECRETS[2]) });
    await form(`${base}/rest_api/access_token`, { grant_type: 'client_credentials', client_id: 'nobody', client_secret: SECRETS[2] });
    await fetch(`${base}/user/1?_format=json&access_token=${SECRETS[0]}`, { headers: { authorization: `Bearer ${SECRETS[3]}` } });
  } finally {
    // the whole group: `script` and the server under it
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
  return stdout;
}

function assertNothingSecret(output: string): void {
  for (const secret of SECRETS) assert.ok(!output.includes(secret), `${secret} is not in the log`);
}

describe('log format', () => {
  test('standard output not a terminal: one JSON record per line, request lines without query strings', async () => {
    const stdout = await serveAndLog('json', {});
    const records = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        try {
          return JSON.parse(line) as { level: number; msg: string; req?: { path?: string } };
        } catch {
          return assert.fail(`not a JSON line: ${line}`);
        }
      });
    assert.ok(records.some((r) => /^Server listening at http:\/\/127\.0\.0\.1:\d+$/.test(r.msg)));
    assert.ok(
      records.some((r) => r.req?.path === '/oauth/authorize'),
      'the request was logged, by its path',
    );
    assertNothingSecret(stdout);
  });

  test('GATEHOUSE_LOG_FORMAT=pretty: human lines, not JSON, with the same redaction', async () => {
    const stdout = await serveAndLog('pretty', { GATEHOUSE_LOG_FORMAT: 'pretty' });
    assert.match(stdout, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(stdout, /^\[[\d:.]+\] INFO: incoming request$/m);
    assert.match(stdout, /^ {4}req: \{$/m, 'fields indented below their line');
    assert.match(stdout, /"path": "\/oauth\/authorize"/);
    for (const line of stdout.split('\n').filter((l) => l.startsWith('['))) {
      assert.throws(() => JSON.parse(line), `a pretty line is not JSON: ${line}`);
    }
    assertNothingSecret(stdout);
  });

  const noScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status !== 0 && 'util-linux `script` (a terminal for the server) is not installed';
  test('in a terminal (through `script`): pretty by default; GATEHOUSE_LOG_FORMAT=json forces JSON there', { skip: noScript }, async () => {
    const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '').replace(/\r/g, '');
    const pretty = plain(await serveAndLog('tty', {}, true));
    assert.match(pretty, /^\[[\d:.]+\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/m);
    assert.doesNotMatch(pretty, /^\{"level":/m);
    assertNothingSecret(pretty);
    const json = plain(await serveAndLog('tty-json', { GATEHOUSE_LOG_FORMAT: 'json' }, true));
    assert.match(json, /^\{"level":30,.*"msg":"Server listening at http:\/\/127\.0\.0\.1:\d+"\}$/m);
    assertNothingSecret(json);
  });
});
