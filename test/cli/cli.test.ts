// The CLI as a subprocess (dist/main.js, as operators run it): apply, user/client/scope/role
// create, keys, bad input; then `serve` on an empty store and the seed document's curl requests.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, waitForHttp, WORLD } from '../helpers/gatehouse.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
let dir: string;

before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm install` / `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function env(db: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, ...rest } = process.env;
  return { ...rest, DATABASE_URL: `sqlite:${join(dir, db)}`, LOG_LEVEL: 'warn', ...extra };
}

function cli(db: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env: env(db), input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json(db: string, args: string[], input?: string): any {
  const r = cli(db, [...args, '--json'], input);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function assertRefused(r: { status: number; stdout: string; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(r.status, code, r.stdout + r.stderr);
  assert.match(r.stderr, /^gatehouse: /);
  assert.match(r.stderr, pattern);
}

/** Runs the CLI without waiting for it, so that two can run at once. */
function cliAsync(environment: NodeJS.ProcessEnv, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: environment });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

const postgresSkipped = await postgresSkip();

describe('apply run twice at once ends in the state the document describes', () => {
  const engines = [
    { name: 'SQLite', skip: false as const, environment: () => env('race.db'), done: async () => undefined },
    (() => {
      const schema = freshSchemaName();
      return {
        name: 'PostgreSQL',
        skip: postgresSkipped,
        environment: () =>
          env('unused', { DATABASE_URL: `${POSTGRES_URL}?schema=${schema}`, GATEHOUSE_SECRET: 'a-secret-for-the-concurrent-apply-test-0123456789' }),
        done: () => dropSchema(schema),
      };
    })(),
  ];
  for (const engine of engines) {
    test(engine.name, { skip: engine.skip }, async () => {
      try {
        const file = join(dir, 'race-world.json');
        writeFileSync(file, JSON.stringify(WORLD));
        const environment = engine.environment();
        const migrated = await cliAsync(environment, ['migrate']);
        assert.equal(migrated.status, 0, migrated.stderr);
        const both = await Promise.all([cliAsync(environment, ['apply', file, '--json']), cliAsync(environment, ['apply', file, '--json'])]);
        for (const run of both) assert.equal(run.status, 0, `both applies succeed: ${run.stderr}`);
        const reports = both.map((run) => JSON.parse(run.stdout));
        for (const client of WORLD.clients ?? []) {
          const outcomes = reports.map((r) => r.clients[client.clientId]).sort();
          assert.ok(outcomes.includes('created'), `${client.clientId} created by one of them: ${outcomes}`);
          assert.ok(!outcomes.every((o) => o === 'created'), `${client.clientId} not created twice: ${outcomes}`);
        }
        const third = await cliAsync(environment, ['apply', file, '--json']);
        const report = JSON.parse(third.stdout);
        for (const section of ['roles', 'scopes', 'users', 'clients']) {
          for (const [name, outcome] of Object.entries(report[section])) assert.equal(outcome, 'unchanged', `${section} ${name} is as the document says`);
        }
      } finally {
        await engine.done();
      }
    });
  }
});

describe('administration commands', () => {
  test('apply is idempotent; the data folder gets a private generated secret', () => {
    const file = join(dir, 'world.json');
    writeFileSync(file, JSON.stringify(WORLD));
    const first = json('a.db', ['apply', file]);
    assert.equal(first.users.alice, 'created');
    assert.equal(first.clients.backend, 'created');
    const second = json('a.db', ['apply', file]);
    for (const section of ['roles', 'scopes', 'users', 'clients']) {
      for (const [name, outcome] of Object.entries(second[section])) assert.equal(outcome, 'unchanged', `${section} ${name}`);
    }
    const secretFile = join(dir, 'gatehouse.secret');
    assert.ok(existsSync(secretFile));
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
  });

  test('apply - reads the document from standard input', () => {
    const report = json('stdin.db', ['apply', '-'], JSON.stringify({ roles: [{ id: 'piped', label: 'Piped', permissions: [] }] }));
    assert.equal(report.roles.piped, 'created');
    const yaml = json('stdin.db', ['apply', '-'], 'roles:\n  - id: piped\n    label: Piped\n    permissions: []\n');
    assert.equal(yaml.roles.piped, 'unchanged');
    assertRefused(cli('stdin.db', ['apply', '-'], 'roles: [oops'), 1, /standard input: is not valid YAML/);
  });

  test('apply accepts YAML and reports the failing entry', () => {
    const yaml = join(dir, 'roles.yaml');
    writeFileSync(yaml, 'roles:\n  - id: auditor\n    permissions: ["view audit log"]\n');
    assert.equal(json('a.db', ['apply', yaml]).roles.auditor, 'created');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ clients: [{ clientId: 'weak', secret: 'short' }] }));
    assertRefused(cli('a.db', ['apply', bad]), 1, /clients\[0\]\.secret: must be at least 32 characters/);
    writeFileSync(bad, '{"users": [');
    assertRefused(cli('a.db', ['apply', bad]), 1, /not valid JSON/);
    writeFileSync(bad, JSON.stringify({ widgets: [] }));
    assertRefused(cli('a.db', ['apply', bad]), 1, /widgets/);
    assertRefused(cli('a.db', ['apply', join(dir, 'missing.json')]), 1, /cannot be read/);
  });

  test('user, role, scope and client create', () => {
    const role = json('a.db', ['role', 'create', 'writer', '--permission', 'write articles']);
    assert.equal(role.id, 'writer');
    const scope = json('a.db', [
      'scope',
      'create',
      'articles:write',
      '--description',
      'Write articles',
      '--permission',
      'write articles',
      '--grant',
      'client_credentials',
    ]);
    assert.equal(scope.outcome, 'created');
    const user = json('a.db', ['user', 'create', 'dave', '--mail', 'dave@example.com', '--password-stdin', '--role', 'writer'], 'a long enough password\n');
    assert.equal(user.name, 'dave');
    assert.deepEqual(user.roles, ['writer']);
    assert.equal(user.password, undefined);
    const generated = json('a.db', ['user', 'create', 'erin', '--mail', 'erin@example.com']);
    assert.ok(generated.password.length >= 20);
    const client = json('a.db', ['client', 'create', 'cli_app', '--grant', 'client_credentials', '--scope', 'articles:write', '--user', 'dave']);
    assert.ok(client.secret.length >= 43, 'secrets have at least 256 bits');
    const pub = json('a.db', ['client', 'create', 'spa2', '--public', '--redirect-uri', 'http://127.0.0.1:5173/cb', '--pkce']);
    assert.equal(pub.secret, null);
    assert.deepEqual(pub.grantTypes, ['authorization_code', 'refresh_token']);
  });

  test('client create: PKCE on unless --no-pkce; --act-as names the users it may act for (repeatable, or *)', () => {
    const web = json('a.db', ['client', 'create', 'cli_web', '--grant', 'authorization_code', '--redirect-uri', 'https://web.example/cb']);
    assert.equal(web.pkce, true, 'confidential clients too (OAuth 2.1 §4.1.1)');
    assert.equal(
      json('a.db', ['client', 'create', 'cli_web2', '--grant', 'authorization_code', '--redirect-uri', 'https://web.example/cb', '--no-pkce']).pkce,
      false,
    );
    assertRefused(cli('a.db', ['client', 'create', 'x7', '--pkce', '--no-pkce']), 2, /--pkce and --no-pkce contradict/);
    assertRefused(
      cli('a.db', ['client', 'create', 'x8', '--public', '--redirect-uri', 'https://web.example/cb', '--no-pkce']),
      1,
      /pkce: cannot be turned off for a public client/,
    );
    const acting = json('a.db', ['client', 'create', 'cli_acting', '--user', 'dave', '--act-as', 'erin', '--act-as', 'ERIN']);
    assert.deepEqual(acting.actAs, ['erin', 'ERIN']);
    const stored = json(
      'a.db',
      ['apply', '-'],
      JSON.stringify({ clients: [{ clientId: 'cli_acting', user: 'dave', actAs: ['erin'], grantTypes: ['client_credentials'] }] }),
    );
    assert.equal(stored.clients.cli_acting, 'unchanged', 'names are stored as the users they name, once');
    assert.deepEqual(json('a.db', ['client', 'create', 'cli_any', '--act-as', '*']).actAs, ['*']);
    assertRefused(cli('a.db', ['client', 'create', 'x9', '--act-as', 'ghost']), 1, /actAs: no user named "ghost" exists/);
    assertRefused(cli('a.db', ['client', 'create', 'x10', '--act-as', '*', '--act-as', 'dave']), 1, /actAs: must be a list of user names, or "\*" alone/);
  });

  test('bad input: non-zero exit and one line naming the problem', () => {
    assertRefused(cli('a.db', ['bogus']), 2, /unknown command 'bogus'/);
    assertRefused(cli('a.db', ['user', 'create', 'frank']), 2, /--mail/);
    assertRefused(cli('a.db', ['user', 'create', 'frank', '--mail', 'nope']), 1, /mail: "nope" is not a valid e-mail address/);
    assertRefused(cli('a.db', ['user', 'create', 'alice', '--mail', 'x@example.com']), 1, /already exists/);
    assertRefused(cli('a.db', ['user', 'create', 'gina', '--mail', 'g@example.com', '--role', 'ghost']), 1, /no role "ghost"/);
    assertRefused(cli('a.db', ['client', 'create', 'bad id!']), 1, /not a valid client id/);
    assertRefused(cli('a.db', ['client', 'create', 'x1', '--grant', 'implicit']), 1, /"implicit" is not a grant type/);
    assertRefused(cli('a.db', ['client', 'create', 'x2', '--public', '--grant', 'client_credentials']), 1, /public client cannot use client_credentials/);
    assertRefused(cli('a.db', ['client', 'create', 'x3', '--grant', 'authorization_code']), 1, /redirect URI/);
    assertRefused(cli('a.db', ['client', 'create', 'x4', '--redirect-uri', 'https://a.example/cb#frag', '--grant', 'authorization_code']), 1, /fragment/);
    assertRefused(cli('a.db', ['client', 'create', 'x5', '--scope', 'nope']), 1, /no scope "nope"/);
    assertRefused(cli('a.db', ['client', 'create', 'x6', '--frobnicate']), 2, /frobnicate/);
    assertRefused(cli('a.db', ['scope', 'create', 's1', '--description', 'd']), 2, /exactly one of --permission or --role/);
    assertRefused(cli('a.db', ['scope', 'create', 'openid', '--description', 'd', '--permission', 'p']), 1, /built-in/);
    assertRefused(cli('a.db', ['role', 'create', 'Bad Role']), 1, /not a valid role id/);
    assertRefused(cli('a.db', ['keys', 'rotate', '--alg', 'HS256']), 2, /--alg must be/);
    const badEnv = spawnSync(process.execPath, [MAIN, 'migrate'], { env: { ...env('a.db'), PORT: 'eighty' }, encoding: 'utf8' });
    assert.equal(badEnv.status, 1);
    assert.match(badEnv.stderr, /PORT must be a whole number/);
    for (const [variable, value, reason] of [
      ['GATEHOUSE_RATE_LIMIT', '600 per minute', /GATEHOUSE_RATE_LIMIT must look like 600\/minute/],
      ['GATEHOUSE_RATE_LIMIT', '0/minute', /GATEHOUSE_RATE_LIMIT must look like/],
      ['REDIS_URL', 'localhost:6379', /REDIS_URL must start with redis:\/\//],
      ['GATEHOUSE_DB_POOL_SIZE', '0', /GATEHOUSE_DB_POOL_SIZE/],
      ['GATEHOUSE_METRICS_TOKEN', 'short', /GATEHOUSE_METRICS_TOKEN must be at least 32 characters/],
      ['GATEHOUSE_METRICS_PORT', 'ninety', /GATEHOUSE_METRICS_PORT/],
    ] as const) {
      const bad = spawnSync(process.execPath, [MAIN, 'migrate'], { env: { ...env('a.db'), [variable]: value }, encoding: 'utf8' });
      assert.equal(bad.status, 1, `${variable}=${value}`);
      assert.match(bad.stderr, reason);
    }
  });

  test('keys list and rotate', () => {
    const before = json('a.db', ['keys', 'list']);
    assert.deepEqual(before.map((k: { use: string; state: string }) => `${k.use}:${k.state}`).sort(), ['access:current', 'id:current']);
    assert.ok(before.every((k: Record<string, unknown>) => !('privateKeyEncrypted' in k)));
    const rotated = json('a.db', ['keys', 'rotate']);
    assert.equal(rotated.alg, 'ES256');
    const eddsa = json('a.db', ['keys', 'rotate', '--alg', 'EdDSA']);
    assert.equal(eddsa.alg, 'EdDSA');
    const after = json('a.db', ['keys', 'list']);
    const access = after.filter((k: { use: string }) => k.use === 'access');
    assert.equal(access.filter((k: { state: string }) => k.state === 'current').length, 1);
    assert.equal(access.filter((k: { state: string }) => k.state === 'retired').length, 2);
    assert.ok(access.filter((k: { state: string }) => k.state === 'retired').every((k: { publishUntil: number }) => k.publishUntil > Date.now() / 1000));
  });
});

describe('audit', () => {
  test('audit tail shows administrative changes, oldest first, and refuses a bad -n', () => {
    const entries = json('a.db', ['audit', 'tail', '-n', '500']);
    const events = entries.map((e: { event: string; detail: string }) => `${e.event} ${e.detail}`);
    for (const expected of ['admin.user.created alice', 'admin.client.created cli_app', 'admin.role.created writer', 'admin.scope.created articles:write']) {
      assert.ok(
        events.some((e: string) => e.startsWith(expected)),
        expected,
      );
    }
    assert.ok(events.some((e: string) => e.startsWith('admin.keys.rotated access')));
    assert.ok(entries.every((e: { at: number }, i: number) => i === 0 || entries[i - 1].at <= e.at));
    const text = cli('a.db', ['audit', 'tail', '-n', '3']);
    assert.equal(text.status, 0);
    assert.equal(text.stdout.trim().split('\n').length, 3);
    assertRefused(cli('a.db', ['audit', 'tail', '-n', 'lots']), 2, /-n must be a whole number/);
  });
});

function curl(args: string[]): { status: number; body: any } {
  const r = spawnSync('curl', ['-s', '-w', '\n%{http_code}', ...args], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: JSON.parse(lines.join('\n')) };
}

describe('serve, then the seed document verbatim', () => {
  let server: ChildProcess;
  let base: string;
  let output = '';

  before(async () => {
    // a client made before first start (public: miniOrange's password grant with client_id alone);
    // the administrator is made by serve
    json('seed.db', ['client', 'create', 'seed_app', '--public', '--grant', 'password']);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [MAIN, 'serve'], { env: env('seed.db', { PORT: String(port), HOST: '127.0.0.1' }) });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForHttp(`${base}/healthz`, 30_000, () => output);
    // as the README's quickstart: the script's client, made beside the running server, acts as admin
    const client = json('seed.db', ['client', 'create', 'seed_client', '--grant', 'client_credentials', '--user', 'admin']);
    writeFileSync(join(dir, 'seed-secret'), client.secret);
  });

  after(async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  });

  test('serve printed the bootstrap administrator password once', () => {
    assert.match(output, /Created the administrator account "admin" \(uid 1\)/);
    const password = /shown only this once:\s+(\S+)/.exec(output)?.[1];
    assert.ok(password && password.length >= 20);
    writeFileSync(join(dir, 'admin-password'), password);
  });

  test('password grant, as the seed writes it (stray space in client_id included), then GET /user/1', async () => {
    const password = readFileSync(join(dir, 'admin-password'), 'utf8');
    const token = curl([
      '--location',
      '--request',
      'POST',
      `${base}/rest_api/access_token`,
      '--header',
      'Accept: application/json',
      '--header',
      'Content-Type: application/x-www-form-urlencoded',
      '--data-urlencode',
      'grant_type=password',
      '--data-urlencode',
      'client_id= seed_app',
      '--data-urlencode',
      'username=admin',
      '--data-urlencode',
      `password=${password}`,
    ]);
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.equal(token.body.status, 'success');
    assert.equal(token.body.token_type, 'Bearer');
    const user = curl([
      '--location',
      '--request',
      'GET',
      `${base}/user/1?_format=json`,
      '--header',
      `Authorization: Bearer ${token.body.access_token}`,
      '--header',
      'Accept: application/json',
    ]);
    assert.equal(user.status, 200, JSON.stringify(user.body));
    assert.deepEqual(user.body.uid, [{ value: 1 }]);
    assert.deepEqual(user.body.name, [{ value: 'admin' }]);
  });

  test('client credentials grant, as the seed writes it', () => {
    const secret = readFileSync(join(dir, 'seed-secret'), 'utf8');
    const token = curl([
      '--location',
      '--request',
      'POST',
      `${base}/rest_api/access_token`,
      '--header',
      'Accept: application/json',
      '--header',
      'Content-Type: application/x-www-form-urlencoded',
      '--data-urlencode',
      'grant_type=client_credentials',
      '--data-urlencode',
      'client_id=seed_client',
      '--data-urlencode',
      'username=admin',
      '--data-urlencode',
      `client_secret=${secret}`,
    ]);
    assert.equal(token.status, 200, JSON.stringify(token.body));
    const user = curl([`${base}/user/1?_format=json`, '--header', `Authorization: Bearer ${token.body.access_token}`, '--header', 'Accept: application/json']);
    assert.equal(user.status, 200);
  });

  test('a confidential client always sends its secret; a client acts only for the users it may', () => {
    const password = readFileSync(join(dir, 'admin-password'), 'utf8');
    const secret = readFileSync(join(dir, 'seed-secret'), 'utf8');
    const post = (fields: string[]) => curl(['--request', 'POST', `${base}/rest_api/access_token`, ...fields.flatMap((f) => ['--data-urlencode', f])]);
    assert.deepEqual(post(['grant_type=password', 'client_id=seed_client', 'username=admin', `password=${password}`]).body, {
      status: 'error',
      error: 'INVALID_CLIENT_SECRET',
      error_description: 'Invalid Client Secret.',
    });
    json('seed.db', ['user', 'create', 'helper', '--mail', 'helper@example.com']);
    assert.deepEqual(post(['grant_type=client_credentials', 'client_id=seed_client', `client_secret=${secret}`, 'username=helper']).body, {
      status: 'error',
      error: 'INVALID_CREDENTIALS',
      error_description: 'The client may not act for this user.',
    });
  });

  test('the documented error examples', () => {
    const wrong = curl([
      '--request',
      'POST',
      `${base}/rest_api/access_token`,
      '--data-urlencode',
      'grant_type=password',
      '--data-urlencode',
      'client_id=seed_app',
      '--data-urlencode',
      'username=admin',
      '--data-urlencode',
      'password=wrong',
    ]);
    assert.deepEqual(wrong.body, { status: 'error', error: 'INVALID_CREDENTIALS', error_description: 'Invalid username or password.' });
    const noHeader = curl([`${base}/user/1?_format=json`]);
    assert.deepEqual(noHeader.body, { status: 'error', error: 'MISSING_AUTHORIZATION_HEADER', error_description: 'Authorization header not received.' });
    const badType = curl([`${base}/user/1?_format=json`, '--header', 'Authorization: Basic abc']);
    assert.equal(badType.body.error, 'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE');
    const badToken = curl([`${base}/user/1?_format=json`, '--header', 'Authorization: Bearer abc.def.ghi']);
    assert.equal(badToken.body.error, 'INVALID_ACCESS_TOKEN');
  });

  test('nothing secret reached the log', () => {
    const password = readFileSync(join(dir, 'admin-password'), 'utf8');
    const secret = readFileSync(join(dir, 'seed-secret'), 'utf8');
    const afterBanner = output.slice(output.indexOf(password) + password.length);
    assert.ok(!afterBanner.includes(password), 'the admin password appears only in the one-time banner');
    assert.ok(!output.includes(secret));
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\./.test(output), 'no JWT in the log');
  });
});
