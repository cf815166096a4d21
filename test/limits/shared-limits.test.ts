// test-engines: own
// Flood control and rate limits shared through Redis by two instances that have separate
// databases (so the only thing they share is Redis); and what happens when Redis goes away:
// limits fall back to per-instance counting with a warning, and requests are still served.
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { basic, form, PASSWORD, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { dropRedisPrefix, freshRedisPrefix, REDIS_URL, redisSkip } from '../helpers/redis.js';

const skip = await redisSkip();
const running: Running[] = [];
const prefixes: string[] = [];
after(async () => {
  for (const gh of running) await gh.close();
  for (const prefix of prefixes) await dropRedisPrefix(prefix);
});

async function pair(config: Record<string, unknown>, redisUrl = REDIS_URL, logLines?: string[]): Promise<[Running, Running]> {
  const prefix = freshRedisPrefix();
  prefixes.push(prefix);
  const both = (await Promise.all(
    [0, 1].map(() => startGatehouse({ databaseUrl: 'sqlite::memory:', logLines, config: { redisUrl, redisPrefix: prefix, ...config } })),
  )) as [Running, Running];
  running.push(...both);
  return both;
}

const wrong = (gh: Running, username = 'alice') =>
  form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username, password: 'not the password' });
const right = (gh: Running, username = 'alice') =>
  form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username, password: PASSWORD });

describe('shared through Redis', { skip }, () => {
  test('failed logins on A and B count together: the user limit (5) is reached across instances', async () => {
    const [a, b] = await pair({});
    for (const gh of [a, b, a, b, a]) assert.equal((await wrong(gh)).status, 400);
    for (const gh of [a, b]) {
      const blocked = await right(gh);
      assert.equal(blocked.status, 429, `${blocked.status} ${blocked.text}`);
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    }
    // the miniOrange endpoint of either instance sees the same count
    const rest = await form(`${b.url}/rest_api/access_token`, {
      grant_type: 'password',
      client_id: 'script',
      client_secret: SECRET,
      username: 'alice',
      password: PASSWORD,
    });
    assert.equal(rest.status, 429);
    assert.equal(rest.body.error, 'TOO_MANY_ATTEMPTS');
    // another user is not affected
    assert.equal((await right(a, 'bob')).status, 200);
  });

  test('GATEHOUSE_RATE_LIMIT counts one address across instances and answers 429 in each vocabulary', async () => {
    const [a, b] = await pair({ rateLimit: { max: 6, windowMs: 60_000 } });
    const cc = (gh: Running) => form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basic('backend', SECRET) });
    for (const gh of [a, b, a, b, a, b]) assert.equal((await cc(gh)).status, 200);
    const limited = await cc(a);
    assert.equal(limited.status, 429, limited.text);
    assert.equal(limited.body.error, 'temporarily_unavailable');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    const rest = await form(`${b.url}/rest_api/access_token`, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET });
    assert.equal(rest.status, 429);
    assert.equal(rest.body.error, 'TOO_MANY_REQUESTS');
    // routes that check no credential are not limited
    const jwks = await fetch(`${a.url}/oauth/jwks`);
    assert.equal(jwks.status, 200);
  });
});

describe('Redis unreachable', { skip }, () => {
  let proxy: Server | null = null;
  const sockets = new Set<Socket>();
  async function startProxy(port = 0): Promise<number> {
    return new Promise((resolve) => {
      proxy = createServer((client) => {
        const upstream = connect(new URL(REDIS_URL).port ? Number(new URL(REDIS_URL).port) : 6379, new URL(REDIS_URL).hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      proxy.listen(port, '127.0.0.1', () => resolve((proxy!.address() as { port: number }).port));
    });
  }
  function stopProxy(): Promise<void> {
    for (const s of sockets) s.destroy();
    const stopping = proxy;
    proxy = null;
    return new Promise((resolve) => (stopping ? stopping.close(() => resolve()) : resolve()));
  }
  after(() => stopProxy());

  test('limits fall back to per-instance counting with a logged warning; requests are still served; sharing resumes', async () => {
    const port = await startProxy();
    const logs: string[] = [];
    const [a, b] = await pair({ rateLimit: { max: 1000, windowMs: 60_000 } }, `redis://127.0.0.1:${port}`, logs);
    await new Promise((r) => setTimeout(r, 200));
    await stopProxy();

    // served while Redis is away, and each instance counts on its own: 3 failures on each pass
    // the user limit of 5 in sum but not per instance
    for (const gh of [a, b, a, b, a, b]) assert.equal((await wrong(gh, 'bob')).status, 400);
    assert.equal((await right(a, 'bob')).status, 200, 'A counted only its own 3 failures');
    assert.equal((await right(b, 'bob')).status, 200, 'B counted only its own 3 failures');
    // per instance, the limit still holds: 5 more failures on A block bob there
    for (let i = 0; i < 5; i++) await wrong(a, 'bob');
    assert.equal((await right(a, 'bob')).status, 429);
    assert.ok(
      logs.some((line) => /Redis is unreachable/.test(line)),
      `a warning was logged: ${logs.join('')}`,
    );

    // Redis back: counts are shared again
    await startProxy(port);
    const deadline = Date.now() + 10_000;
    // each instance says so once it has reconnected; a failure counted before that stays local
    while (logs.filter((line) => /Redis is back/.test(line)).length < 2) {
      assert.ok(Date.now() < deadline, 'the connection came back by itself');
      await new Promise((r) => setTimeout(r, 100));
    }
    // a Redis command slower than its 500 ms timeout (a loaded machine) is counted locally, as
    // designed, and says so in the log; such a round proves nothing and is tried again
    for (let round = 1; ; round++) {
      const user = `alice${round}`;
      const warnings = logs.filter((line) => /Redis is unreachable/.test(line)).length;
      for (const gh of [a, b, a, b, a]) await wrong(gh, user);
      const status = (await right(b, user)).status;
      const commandFailed = logs.filter((line) => /Redis is unreachable/.test(line)).length > warnings;
      if (status === 429 || !commandFailed || round === 3) {
        assert.equal(status, 429, 'shared again after Redis returned');
        break;
      }
    }
  });
});
