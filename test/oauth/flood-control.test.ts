// Flood control under bursts: however requests are timed, no more passwords are checked than the
// limits allow (an attempt is reserved before the hash), on the database (SQLite here, PostgreSQL
// in the second pass) and on Redis; the user limit counts per (user, IP) beside a higher one per
// user; names longer than Drupal's 60 characters cost nothing; the password check reads the
// user past the cache.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { testConfig, type Config } from '../../src/config.js';
import { openStore } from '../../src/store/open-store.js';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { bearer, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { dropRedisPrefix, freshRedisPrefix, REDIS_URL, redisSkip } from '../helpers/redis.js';

const METRICS = 'flood-metrics-token-flood-metrics-token-0123';
const running: Running[] = [];
const prefixes: string[] = [];
after(async () => {
  for (const gh of running) await gh.close();
  for (const prefix of prefixes) await dropRedisPrefix(prefix);
});

const FLOOD = { ...testConfig().flood, userLimit: 5, ipLimit: 50 };

async function start(config: Partial<Config> = {}): Promise<Running> {
  const gh = await startGatehouse({ config: { metricsToken: METRICS, trustProxy: true, flood: FLOOD, ...config } });
  running.push(gh);
  return gh;
}

async function startOnRedis(config: Partial<Config> = {}): Promise<Running> {
  const prefix = freshRedisPrefix();
  prefixes.push(prefix);
  return start({ redisUrl: REDIS_URL, redisPrefix: prefix, ...config });
}

/** A password grant at /oauth/token from `ip` (X-Forwarded-For; the server trusts its proxy). */
const grant = (gh: Running, username: string, password: string, ip = '198.51.100.1') =>
  form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username, password }, { 'x-forwarded-for': ip });

/** One sample of the server's /metrics, e.g. `gatehouse_failed_logins_total`. */
async function metric(gh: Running, series: string): Promise<number> {
  const text = await (await fetch(`${gh.url}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Password checks the server made: failed ones plus tokens issued by the password grant. */
async function passwordChecks(gh: Running): Promise<number> {
  return (await metric(gh, 'gatehouse_failed_logins_total')) + (await metric(gh, 'gatehouse_tokens_issued_total{grant="password"}'));
}

function assertFlooded(res: { status: number; headers: Headers; body: any; text: string }): void {
  assert.equal(res.status, 429, res.text);
  assert.equal(res.body.error, 'invalid_grant');
  assert.ok(Number(res.headers.get('retry-after')) >= 1, `Retry-After ${res.headers.get('retry-after')}`);
}

/** The two bursts of the review, against one server. */
function burstSuite(name: string, open: () => Promise<Running>, skip: false | string = false): void {
  describe(name, { skip }, () => {
    test('40 wrong passwords at once for one user from one IP: 5 are checked, 35 refused 429 with Retry-After', async () => {
      const gh = await open();
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => grant(gh, 'bob', `wrong password ${i}`)));
      const wrong = answers.filter((r) => r.status === 400);
      assert.equal(wrong.length, 5, `statuses: ${answers.map((r) => r.status).join(' ')}`);
      for (const res of wrong) assert.equal(res.body.error, 'invalid_grant');
      for (const res of answers.filter((r) => r.status !== 400)) assertFlooded(res);
      assert.equal(await metric(gh, 'gatehouse_failed_logins_total'), 5, 'five passwords were hashed, no more');
      assert.equal(await metric(gh, 'gatehouse_flood_blocks_total'), 35);
    });

    test('39 wrong and then the right password in one burst: the right one is refused too', async () => {
      const gh = await open();
      const answers = await Promise.all([...Array.from({ length: 39 }, (_, i) => grant(gh, 'alice', `wrong password ${i}`)), grant(gh, 'alice', PASSWORD)]);
      assertFlooded(answers[39]);
      assert.ok(!answers.some((r) => r.status === 200), 'no tokens');
      assert.equal(await passwordChecks(gh), 5);
    });
  });
}

const redisSkipReason = await redisSkip();
burstSuite('flood control in the database', () => start());
burstSuite('flood control on Redis', () => startOnRedis(), redisSkipReason);

describe('every password check reserves', () => {
  test('the miniOrange endpoint: a burst of 20 wrong passwords checks 5, the rest TOO_MANY_ATTEMPTS', async () => {
    const gh = await start();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        form(`${gh.url}/rest_api/access_token`, { grant_type: 'password', client_id: 'mobile', username: 'bob', password: `wrong ${i}` }),
      ),
    );
    assert.equal(answers.filter((r) => r.status === 401 && r.body.error === 'INVALID_CREDENTIALS').length, 5, answers.map((r) => r.status).join(' '));
    for (const res of answers.filter((r) => r.status !== 401)) {
      assert.equal(res.status, 429);
      assert.equal(res.body.error, 'TOO_MANY_ATTEMPTS');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
    }
    assert.equal(await passwordChecks(gh), 5);
  });

  test('the login form: a burst of 20 wrong passwords checks 5, the rest 429 with Retry-After', async () => {
    const gh = await start();
    const agent = new BrowserAgent(gh.url);
    const page = await agent.get('/user/login');
    const csrf = hiddenField(page.text, 'csrf_token')!;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => agent.post('/user/login', { name: 'bob', pass: `wrong ${i}`, destination: '/user/apps', csrf_token: csrf })),
    );
    assert.equal(answers.filter((r) => r.status === 401).length, 5, answers.map((r) => r.status).join(' '));
    for (const res of answers.filter((r) => r.status !== 401)) {
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.match(res.text, /too many failed login attempts/i);
    }
    assert.equal(await metric(gh, 'gatehouse_failed_logins_total'), 5);
  });
});

describe('per (user, IP), and per user across IPs', () => {
  test('a user locked out from one IP still logs in from their usual IP', async () => {
    const gh = await start();
    for (let i = 0; i < 5; i++) assert.equal((await grant(gh, 'alice', 'guess', '203.0.113.66')).status, 400);
    assertFlooded(await grant(gh, 'alice', PASSWORD, '203.0.113.66'));
    const usual = await grant(gh, 'alice', PASSWORD, '198.51.100.20');
    assert.equal(usual.status, 200, usual.text);
    // and the attacker's address stays locked: a success elsewhere does not clear it
    assertFlooded(await grant(gh, 'alice', PASSWORD, '203.0.113.66'));
  });

  test('a success clears the count of that (user, IP) only, as Drupal does', async () => {
    const gh = await start();
    for (let i = 0; i < 4; i++) assert.equal((await grant(gh, 'bob', 'guess', '198.51.100.30')).status, 400);
    assert.equal((await grant(gh, 'bob', PASSWORD, '198.51.100.30')).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await grant(gh, 'bob', 'guess', '198.51.100.30')).status, 400, `failure ${i + 1} after the success`);
    assertFlooded(await grant(gh, 'bob', PASSWORD, '198.51.100.30'));
  });

  test('GATEHOUSE_FLOOD_USER_GLOBAL_LIMIT: failures from many IPs add up for one user', async () => {
    const gh = await start({ flood: { ...FLOOD, userGlobalLimit: 8 } });
    for (const ip of ['192.0.2.1', '192.0.2.2']) {
      for (let i = 0; i < 4; i++) assert.equal((await grant(gh, 'bob', 'guess', ip)).status, 400, `${ip}: under both limits`);
    }
    assertFlooded(await grant(gh, 'bob', PASSWORD, '192.0.2.3'));
    assert.equal((await grant(gh, 'alice', PASSWORD, '192.0.2.3')).status, 200, 'another user is not affected');
  });

  test('the per-IP limit holds across user names', async () => {
    const gh = await start({ flood: { ...FLOOD, ipLimit: 6 } });
    for (let i = 0; i < 6; i++) assert.equal((await grant(gh, `nobody${i}`, 'guess', '192.0.2.50')).status, 400);
    assertFlooded(await grant(gh, 'alice', PASSWORD, '192.0.2.50'));
    assert.equal((await grant(gh, 'alice', PASSWORD, '192.0.2.51')).status, 200);
  });
});

describe('user names longer than 60 characters', () => {
  const long = 'x'.repeat(61);

  test('are refused before any work: a clear 400, no flood row, no hash', async () => {
    const gh = await start({ flood: { ...FLOOD, ipLimit: 3 } });
    const far = Math.floor(Date.now() / 1000) + 10 * 365 * 86_400;
    await gh.store.cleanup.deleteExpired('flood', far, 100_000);
    for (let i = 0; i < 5; i++) {
      const res = await grant(gh, long, 'whatever', '192.0.2.70');
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error, 'invalid_request');
      assert.match(res.body.error_description, /60 characters/);
    }
    const rest = await form(`${gh.url}/rest_api/access_token`, { grant_type: 'password', client_id: 'mobile', username: 'é'.repeat(61), password: 'whatever' });
    assert.equal(rest.status, 400, rest.text);
    assert.equal(rest.body.error, 'INVALID_REQUEST');
    assert.match(rest.body.error_description, /60 characters/);
    const agent = new BrowserAgent(gh.url);
    const login = await agent.login(long, 'whatever');
    assert.equal(login.status, 401);
    assert.match(login.text, /Unrecognized username or password/);
    assert.equal(await gh.store.cleanup.deleteExpired('flood', far, 100_000), 0, 'no flood row was written');
    assert.equal(await metric(gh, 'gatehouse_failed_logins_total'), 0, 'no password was hashed');
    // 60 characters is still a name: checked and counted
    assert.equal((await grant(gh, 'x'.repeat(60), 'whatever', '192.0.2.70')).status, 400);
    assert.equal(await metric(gh, 'gatehouse_failed_logins_total'), 1);
  });

  test('on Redis: no key is written', { skip: redisSkipReason }, async () => {
    const gh = await startOnRedis();
    for (let i = 0; i < 3; i++) assert.equal((await grant(gh, long, 'whatever')).status, 400);
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL);
    try {
      assert.deepEqual(await redis.keys(`${gh.config.redisPrefix}flood:*`), []);
      assert.equal((await grant(gh, 'bob', 'guess')).status, 400);
      assert.ok((await redis.keys(`${gh.config.redisPrefix}flood:*`)).length > 0, 'a real attempt is counted there');
    } finally {
      redis.disconnect();
    }
  });
});

describe('credential checks read the user past the cache', () => {
  test('a user blocked underneath the cache (another process) is refused at the very next password check', async () => {
    // a database file another process opens; this instance reads its change versions once a
    // minute, so it hears nothing of that process's write before the checks below
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-past-cache-'));
    const databaseUrl = `sqlite:${join(dir, 'gh.db')}`;
    const gh = await startGatehouse({ databaseUrl, config: { metricsToken: METRICS, trustProxy: true, flood: FLOOD, revocationPollMs: 60_000 } });
    running.push(gh);
    const elsewhere = await openStore(databaseUrl);
    try {
      const bob = (await gh.store.users.findByName('bob'))!;
      const issued = await grant(gh, 'bob', PASSWORD);
      assert.equal(issued.status, 200);
      // a request with his token reads bob through the cache, which now holds him
      assert.equal((await request(`${gh.url}/oauth/debug`, { headers: bearer(issued.body.access_token) })).status, 200);
      // written by another process: this instance's cache is not told
      await elsewhere.users.update(bob.uid, { status: false });
      const refused = await grant(gh, 'bob', PASSWORD);
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error, 'invalid_grant');
      assert.match(refused.body.error_description, /blocked/);
      const login = await new BrowserAgent(gh.url).login('bob', PASSWORD);
      assert.equal(login.status, 403, 'the login form too');
    } finally {
      await elsewhere.close();
      await gh.close();
      running.splice(running.indexOf(gh), 1);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
