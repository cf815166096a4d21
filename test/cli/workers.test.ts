// test-engines: own
// `gatehouse serve --workers 2` as an operator runs it (issue 15 part 3), on a SQLite file and on
// PostgreSQL: both workers answer on the one port (told apart by the pid of their log lines); a
// token revoked through one is refused by the other within a second; flood control counts across
// both, and so does the rate limit; /metrics sums every worker; a worker killed with SIGKILL is restarted while the port keeps answering; SIGTERM drains
// them all and exits 0, leaving no process behind; a primary killed outright takes its workers
// with it; and each bad value of --workers is refused with its message before anything is written.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { restartDelay } from '../../src/cli/serve-workers.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../helpers/gatehouse.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from '../helpers/postgres.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
const SECRET = 'workers-test-secret-workers-test-secret-0123';
const CLIENT_SECRET = 'workers-client-secret-workers-client-secret-01';
const PASSWORD = 'workers-password-123';
const METRICS = 'workers-metrics-token-workers-metrics-token-01';
/** GATEHOUSE_RATE_LIMIT per minute; the other tests send fewer POSTs than this from 127.0.0.1 */
const RATE = 20;
const basic = `Basic ${Buffer.from(`workers:${CLIENT_SECRET}`).toString('base64')}`;

const WORLD = {
  roles: [{ id: 'reader', label: 'Reader', permissions: ['access user profiles'] }],
  scopes: [{ name: 'profile:read', description: 'Read profiles', granularity: 'permission', permission: 'access user profiles' }],
  users: [
    { name: 'reader', mail: 'reader@example.com', password: PASSWORD, roles: ['reader'] },
    { name: 'victim', mail: 'victim@example.com', password: PASSWORD, roles: ['reader'] },
  ],
  clients: [{ clientId: 'workers', secret: CLIENT_SECRET, grantTypes: ['client_credentials', 'password'], scopes: ['profile:read'], user: 'reader' }],
};

type LogRecord = Record<string, unknown> & { msg?: string; pid?: number; time?: number };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Record<string, unknown>;
}

/** GET /healthz made so far (by the suite running now): each answered 200 */
let healthzCalls = 0;

/** One request on a connection of its own, so the primary hands each to the next worker in turn. */
function call(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  if (path === '/healthz') healthzCalls++;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const formPost = (base: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  call(base, path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

const until = async (what: string, check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** `gatehouse serve --workers N` as a child, its JSON log read line by line. */
class Served {
  readonly records: LogRecord[] = [];
  stderr = '';
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    env: NodeJS.ProcessEnv,
    args: string[],
    readonly base: string,
  ) {
    this.child = spawn(process.execPath, [MAIN, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.records.push(JSON.parse(line) as LogRecord);
        } catch {
          this.records.push({ msg: line });
        }
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  describe = (): string =>
    `stderr: ${this.stderr.slice(-1500)}\nlog: ${this.records
      .slice(-30)
      .map((r) => JSON.stringify(r))
      .join('\n')}`;

  /** The pids of the workers that said they listen, in order (restarted ones included). */
  listeningPids(): number[] {
    return this.records.filter((r) => r.msg === 'worker listening').map((r) => r.workerPid as number);
  }

  async waitFor(what: string, check: (records: LogRecord[]) => boolean, timeoutMs = 60_000): Promise<void> {
    await until(what, () => check(this.records), timeoutMs, this.describe);
  }

  /** The pid of the worker that answered each request to `path` (by its request id), with the status. */
  answers(path: string, method = 'GET'): { pid: number; status: number; time: number }[] {
    const incoming = new Map<string, { pid: number }>();
    for (const r of this.records) {
      const req = r.req as { path?: string; method?: string } | undefined;
      if (r.msg === 'incoming request' && req?.path === path && req.method === method) incoming.set(`${r.pid}:${r.reqId}`, { pid: r.pid! });
    }
    return this.records
      .filter((r) => r.msg === 'request completed' && incoming.has(`${r.pid}:${r.reqId}`))
      .map((r) => ({ pid: r.pid!, status: (r.res as { statusCode: number }).statusCode, time: r.time! }));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Engine {
  name: string;
  skip: () => Promise<false | string>;
  databaseUrl: (dir: string) => string;
  cleanup: () => Promise<void>;
}

const schema = freshSchemaName();
const ENGINES: Engine[] = [
  { name: 'SQLite file', skip: async () => false, databaseUrl: (dir) => `sqlite:${join(dir, 'data', 'gatehouse.db')}`, cleanup: async () => undefined },
  {
    name: 'PostgreSQL',
    skip: postgresSkip,
    databaseUrl: () => `${POSTGRES_URL}?schema=${schema}`,
    cleanup: async () => {
      if (!(await postgresSkip())) await dropSchema(schema);
    },
  },
];

for (const engine of ENGINES) {
  describe(`serve --workers 2 on ${engine.name}`, async () => {
    const skip = await engine.skip();
    let dir: string;
    let served: Served;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      if (skip) return;
      assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm test`');
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-workers-'));
      const port = await freePort();
      const { LOG_LEVEL: _l, GATEHOUSE_WORKERS: _w, ...rest } = process.env;
      env = {
        ...rest,
        DATABASE_URL: engine.databaseUrl(dir),
        GATEHOUSE_SECRET: SECRET,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        GATEHOUSE_LOG_FORMAT: 'json',
        GATEHOUSE_FLOOD_USER_LIMIT: '5',
        GATEHOUSE_RATE_LIMIT: `${RATE}/minute`,
        GATEHOUSE_TRUST_PROXY: 'true',
        GATEHOUSE_METRICS_TOKEN: METRICS,
      };
      writeFileSync(join(dir, 'world.json'), JSON.stringify(WORLD));
      const applied = spawnSync(process.execPath, [MAIN, 'apply', join(dir, 'world.json')], { env, encoding: 'utf8' });
      assert.equal(applied.status, 0, applied.stderr);
      served = new Served(env, ['--workers', '2'], `http://127.0.0.1:${port}`);
      healthzCalls = 0;
      await served.waitFor('two workers listening', () => served.listeningPids().length === 2);
    });
    after(async () => {
      if (skip) return;
      await served?.stop();
      await engine.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test('both workers answer on the one port', { skip }, async () => {
      const [first, second] = served.listeningPids();
      assert.notEqual(first, second);
      for (let i = 0; i < 8; i++) assert.equal((await call(served.base, '/healthz')).status, 200);
      const pids = new Set(served.answers('/healthz').map((a) => a.pid));
      assert.deepEqual([...pids].sort(), [first, second].sort(), served.describe());
    });

    test('/metrics counts every worker, whichever takes the scrape', { skip }, async () => {
      const healthz = healthzCalls;
      const series = 'gatehouse_http_requests_total{method="GET",route="/healthz",status="200"}';
      for (let i = 0; i < 4; i++) {
        const scrape = await call(served.base, '/metrics', { headers: { authorization: `Bearer ${METRICS}` } });
        assert.equal(scrape.status, 200, scrape.text);
        const line = scrape.text.split('\n').find((l) => l.startsWith(`${series} `));
        assert.equal(line, `${series} ${healthz}`, `the sum over both workers, ${healthz} requests`);
      }
      const scrapers = new Set(served.answers('/metrics').map((a) => a.pid));
      assert.equal(scrapers.size, 2, 'both workers answered a scrape');
    });

    test('a token revoked through one worker is refused by the other within a second', { skip }, async () => {
      const issued = await formPost(served.base, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic });
      assert.equal(issued.status, 200, issued.text);
      const token = issued.body.access_token as string;
      const uid = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub as string;
      const path = `/user/${uid}`;
      const read = () => call(served.base, `${path}?_format=json`, { headers: { authorization: `Bearer ${token}` } });
      // both workers have verified the token and remember it as good
      for (let i = 0; i < 20 && new Set(served.answers(path).map((a) => a.pid)).size < 2; i++) assert.equal((await read()).status, 200);
      assert.equal(
        new Set(
          served
            .answers(path)
            .filter((a) => a.status === 200)
            .map((a) => a.pid),
        ).size,
        2,
        served.describe(),
      );

      const revoked = await formPost(served.base, '/oauth/revoke', { token }, { authorization: basic });
      assert.equal(revoked.status, 200, revoked.text);
      const revokedAt = Date.now();
      await served.waitFor('the revocation logged', () => served.answers('/oauth/revoke', 'POST').length === 1);
      const revoker = served.answers('/oauth/revoke', 'POST')[0].pid;

      const late: number[] = [];
      while (Date.now() - revokedAt < 2000) {
        const sentAt = Date.now();
        const answer = await read();
        if (sentAt - revokedAt >= 1000) late.push(answer.status);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(late.length >= 4, 'requests made a second after the revocation');
      assert.deepEqual(new Set(late), new Set([401]), `answers a second after the revocation: ${late.join(' ')}`);
      const other = served.answers(path).filter((a) => a.pid !== revoker && a.time >= revokedAt);
      assert.ok(
        other.some((a) => a.status === 401),
        `the worker that did not revoke refuses the token: ${JSON.stringify(other)}`,
      );
    });

    test('flood control counts across both workers: 5 wrong passwords spread over them, then 429', { skip }, async () => {
      const attempt = (password: string) =>
        formPost(served.base, '/oauth/token', { grant_type: 'password', username: 'victim', password }, { authorization: basic });
      const before = served.answers('/oauth/token', 'POST').length;
      for (let i = 0; i < 5; i++) {
        const wrong = await attempt(`wrong ${i}`);
        assert.equal(wrong.status, 400, wrong.text);
        assert.equal(wrong.body.error, 'invalid_grant');
      }
      await served.waitFor('five failures logged', () => served.answers('/oauth/token', 'POST').length >= before + 5);
      const failures = served.answers('/oauth/token', 'POST').slice(before);
      assert.equal(new Set(failures.map((a) => a.pid)).size, 2, `both workers checked a wrong password: ${JSON.stringify(failures)}`);
      for (let i = 0; i < 2; i++) {
        const refused = await attempt(PASSWORD);
        assert.equal(refused.status, 429, `the right password is refused by flood control, whichever worker answers: ${refused.text}`);
      }
    });

    test('without Redis, GATEHOUSE_RATE_LIMIT counts for the port as a whole, not per worker', { skip }, async () => {
      const ip = '203.0.113.7';
      const issue = () => formPost(served.base, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic, 'x-forwarded-for': ip });
      const before = served.answers('/oauth/token', 'POST').length;
      for (let i = 0; i < RATE; i++) assert.equal((await issue()).status, 200, `request ${i + 1} of ${RATE}`);
      await served.waitFor('the requests logged', () => served.answers('/oauth/token', 'POST').length >= before + RATE);
      const pids = new Set(
        served
          .answers('/oauth/token', 'POST')
          .slice(before)
          .map((a) => a.pid),
      );
      assert.equal(pids.size, 2, 'both workers counted requests');
      for (let i = 0; i < 2; i++) {
        const refused = await issue();
        assert.equal(refused.status, 429, refused.text);
        assert.ok(Number(refused.headers['retry-after']) >= 1, `Retry-After ${refused.headers['retry-after']}`);
      }
    });

    test('a worker killed with SIGKILL is restarted, and the port keeps answering', { skip }, async () => {
      const [victim, survivor] = served.listeningPids().slice(-2);
      process.kill(victim, 'SIGKILL');
      await served.waitFor('the death logged', (records) => records.some((r) => r.msg === 'worker exited; starting another' && r.workerPid === victim));
      const exit = served.records.find((r) => r.msg === 'worker exited; starting another' && r.workerPid === victim)!;
      assert.equal(exit.signal, 'SIGKILL');
      for (let i = 0; i < 6; i++) assert.equal((await call(served.base, '/healthz')).status, 200, 'the survivor answers meanwhile');
      await served.waitFor('a new worker listening', () => served.listeningPids().length === 3);
      const replacement = served.listeningPids()[2];
      assert.ok(![victim, survivor].includes(replacement));
      const since = Date.now();
      for (let i = 0; i < 8; i++) assert.equal((await call(served.base, '/healthz')).status, 200);
      const pids = new Set(
        served
          .answers('/healthz')
          .filter((a) => a.time >= since)
          .map((a) => a.pid),
      );
      assert.deepEqual([...pids].sort(), [survivor, replacement].sort(), served.describe());
    });

    if (engine.name === 'SQLite file') {
      test('SIGTERM drains every worker; the primary exits 0 and leaves no process behind', { skip }, async () => {
        const pids = served.listeningPids();
        served.child.kill('SIGTERM');
        const { code, signal } = await served.exited;
        assert.equal(signal, null, served.describe());
        assert.equal(code, 0, served.describe());
        const live = served.listeningPids().slice(-2);
        for (const pid of live) {
          assert.ok(
            served.records.some((r) => r.pid === pid && r.msg === 'shutting down'),
            `worker ${pid} closed its server gracefully`,
          );
        }
        for (const pid of pids) assert.equal(alive(pid), false, `worker ${pid} is gone`);
      });
    } else {
      test('a primary killed outright takes its workers with it', { skip }, async () => {
        const pids = served.listeningPids().slice(-2);
        served.child.kill('SIGKILL');
        await served.exited;
        await until('the workers gone', () => pids.every((pid) => !alive(pid)), 10_000, served.describe);
      });
    }
  });
}

describe('bad values of --workers', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-workers-bad-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const refused = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const data = join(dir, `data-${Math.random().toString(36).slice(2)}`);
    const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, GATEHOUSE_WORKERS: _w, ...rest } = process.env;
    const run = spawnSync(process.execPath, [MAIN, 'serve', ...args], {
      env: { ...rest, DATABASE_URL: `sqlite:${join(data, 'gatehouse.db')}`, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(existsSync(data), false, 'nothing is written before the value is checked');
    return run;
  };

  for (const [label, args, env, shown] of [
    ['--workers 0', ['--workers', '0'], {}, '"0"'],
    ['--workers -1', ['--workers', '-1'], {}, '"-1"'],
    ['--workers=-3', ['--workers=-3'], {}, '"-3"'],
    ['--workers many', ['--workers', 'many'], {}, '"many"'],
    ['--workers 1.5', ['--workers', '1.5'], {}, '"1.5"'],
    ['--workers 100000', ['--workers', '100000'], {}, '"100000"'],
    ['GATEHOUSE_WORKERS=0', [], { GATEHOUSE_WORKERS: '0' }, '"0"'],
  ] as const) {
    test(`${label}: one line saying what is accepted, exit 1`, () => {
      const run = refused([...args], env);
      assert.equal(run.status, 1, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0], /GATEHOUSE_WORKERS \(serve --workers\) must be a whole number from 1 to 256, or auto, got /);
      assert.ok(lines[0].includes(shown), lines[0]);
    });
  }

  test('--workers 2 on an in-memory database: refused, each worker would have a database of its own', () => {
    const run = refused(['--workers', '2'], { DATABASE_URL: 'sqlite::memory:' });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(
      run.stderr.trim(),
      'gatehouse: GATEHOUSE_WORKERS (serve --workers) above 1 needs a database file or PostgreSQL: an in-memory SQLite database lives in one process',
    );
  });

  test('--workers without a value is a wrong command line (exit 2)', () => {
    const run = refused(['--workers']);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /--workers <count>.*argument missing/);
  });

  test('auto is every available core', () => {
    // PostgreSQL with a secret: loading the configuration writes nothing
    const env = { DATABASE_URL: 'postgres://gatehouse@127.0.0.1/gatehouse', GATEHOUSE_SECRET: SECRET };
    assert.equal(loadConfig({ ...env, GATEHOUSE_WORKERS: 'auto' }, () => undefined, false).workers, availableParallelism());
    assert.equal(loadConfig(env, () => undefined, false).workers, 1);
  });

  test('more workers than cores: started, with a warning in the log', async () => {
    const count = availableParallelism() + 1;
    const port = await freePort();
    const { GATEHOUSE_WORKERS: _w, ...rest } = process.env;
    const served = new Served(
      {
        ...rest,
        DATABASE_URL: `sqlite:${join(dir, 'many', 'gatehouse.db')}`,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        GATEHOUSE_LOG_FORMAT: 'json',
      },
      ['--workers', String(count)],
      `http://127.0.0.1:${port}`,
    );
    try {
      await served.waitFor('the workers starting', (records) => records.some((r) => r.msg === 'starting workers'));
      const warning = served.records.find((r) => typeof r.msg === 'string' && r.msg.includes('more than the'));
      assert.ok(warning, served.describe());
      assert.equal(warning.level, 40);
      assert.equal(
        warning.msg,
        `GATEHOUSE_WORKERS (serve --workers) is ${count}, more than the ${availableParallelism()} cores available: the workers will share them`,
      );
    } finally {
      await served.stop();
    }
    assert.equal((await served.exited).code, 0, served.describe());
  });
});

test('a worker that keeps dying within 10 s of its start waits longer each time: 250 ms doubling to 30 s', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 7, 8, 20].map(restartDelay), [0, 250, 500, 1000, 2000, 16_000, 30_000, 30_000]);
});
