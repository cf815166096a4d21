// test-engines: own
// The database goes away under a running instance: requests that need it answer 503 with
// Retry-After (never a 500, never a hang), /readyz says so, and when it is back service resumes by
// itself with no refresh token lost or issued twice. The outage is made with a TCP proxy in front
// of PostgreSQL, so the shared server itself is never stopped: either cut (connections closed and
// refused) or blackholed (connections accepted and held, nothing forwarded, nothing closed).
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { basic, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { dropSchema, freshSchemaName, postgresSkip } from '../helpers/postgres.js';

const skip = await postgresSkip();

/** A TCP proxy to PostgreSQL that can cut the connection or hold every packet. */
class FaultProxy {
  private server: Server | null = null;
  port = 0;
  private readonly sockets = new Set<Socket>();
  /** while set, bytes are dropped and new connections are held (never forwarded, never closed) */
  private holding = false;

  start(): Promise<void> {
    return new Promise((resolve) => {
      this.server = createServer((client) => this.accept(client));
      this.server.listen(this.port, '127.0.0.1', () => {
        const address = this.server!.address();
        this.port = typeof address === 'object' && address ? address.port : this.port;
        resolve();
      });
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.holding) return; // accepted, then silence
    const upstream = connect(5432, '127.0.0.1');
    this.track(upstream);
    client.on('data', (data) => void (this.holding || upstream.write(data)));
    upstream.on('data', (data) => void (this.holding || client.write(data)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Packets held: every open connection goes silent, new ones are accepted and never answered. */
  blackhole(): void {
    this.holding = true;
  }

  /** The network is back: connections that lost bytes are broken (as they would be), new ones work. */
  restore(): void {
    for (const s of this.sockets) s.destroy();
    this.holding = false;
  }

  stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const stopping = this.server;
    this.server = null;
    return new Promise((resolve) => (stopping ? stopping.close(() => resolve()) : resolve()));
  }
}

const proxy = new FaultProxy();
let gh: Running;
const schema = freshSchemaName();

before(async () => {
  if (skip) return;
  await proxy.start();
  gh = await startGatehouse({ databaseUrl: `postgres://postgres@127.0.0.1:${proxy.port}/test?schema=${schema}` });
});

after(async () => {
  if (skip) return;
  if (!proxy.listening) await proxy.start();
  await gh?.close();
  await proxy.stop();
  await dropSchema(schema);
});

test('an outage answers 503 with Retry-After; afterwards every refresh token works exactly once', { skip }, async () => {
  const tokens: string[] = [];
  for (let i = 0; i < 12; i++) {
    const res = await form(`${gh.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'backend',
      client_secret: SECRET,
      username: 'alice',
      password: PASSWORD,
    });
    assert.equal(res.status, 200, res.text);
    tokens.push(res.body.refresh_token);
  }
  assert.equal((await request(`${gh.url}/readyz`)).status, 200);

  await proxy.stop();
  const started = performance.now();
  const during = await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: tokens[0] }, { authorization: basic('backend', SECRET) });
  const took = performance.now() - started;
  assert.equal(during.status, 503, during.text);
  assert.equal(during.body.error, 'temporarily_unavailable');
  assert.ok(Number(during.headers.get('retry-after')) > 0);
  assert.ok(took < 8000, `answered in ${Math.round(took)} ms, not a hang`);
  const rest = await form(`${gh.url}/rest_api/access_token`, {
    grant_type: 'password',
    client_id: 'script',
    client_secret: SECRET,
    username: 'bob',
    password: PASSWORD,
  });
  assert.ok(rest.status === 503 || rest.status === 200, `miniOrange endpoint: ${rest.status}`);
  if (rest.status === 503) assert.equal(rest.body.error, 'SERVICE_UNAVAILABLE');
  const ready = await request(`${gh.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.equal((await request(`${gh.url}/healthz`)).status, 200, 'the process itself is up');

  // load through the outage: four clients for three seconds, each refresh with a token of its own
  const spare = tokens.splice(6);
  const statuses = new Map<number, number>();
  const loadUntil = Date.now() + 3000;
  await Promise.all(
    [0, 1, 2, 3].map(async (worker) => {
      for (let n = 0; Date.now() < loadUntil; n++) {
        const res =
          n % 2 === 0 && spare.length
            ? await form(
                `${gh.url}/oauth/token`,
                { grant_type: 'refresh_token', refresh_token: spare[(worker + n) % spare.length] },
                { authorization: basic('backend', SECRET) },
              )
            : await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status !== 200) {
          assert.equal(res.status, 503, `during the outage: ${res.status} ${res.text}`);
          assert.ok(res.headers.get('retry-after'));
        }
      }
    }),
  );
  assert.ok((statuses.get(503) ?? 0) > 10, `the load met the outage: ${JSON.stringify([...statuses])}`);
  assert.ok(![...statuses.keys()].some((s) => s >= 500 && s !== 503), 'no other 5xx');
  tokens.push(...spare);

  await proxy.start();
  const deadline = Date.now() + 15_000;
  while ((await request(`${gh.url}/readyz`)).status !== 200) {
    assert.ok(Date.now() < deadline, 'service resumed by itself');
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const token of tokens) {
    const first = await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('backend', SECRET) });
    assert.equal(first.status, 200, `a refresh token issued before the outage still works: ${first.text}`);
    const second = await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('backend', SECRET) });
    assert.equal(second.body.error, 'invalid_grant', 'and only once');
  }
});

test('packets held (blackhole): every request answers 503 with Retry-After within GATEHOUSE_DB_TIMEOUT_MS, then service resumes', { skip }, async (t) => {
  const held = new FaultProxy();
  await held.start();
  const heldSchema = freshSchemaName();
  const timeoutMs = 1000;
  const server = await startGatehouse({
    databaseUrl: `postgres://postgres@127.0.0.1:${held.port}/test?schema=${heldSchema}`,
    config: { dbTimeoutMs: timeoutMs },
  });
  try {
    const refresh = (token: string) =>
      form(`${server.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('backend', SECRET) });
    const tokens: string[] = [];
    // several at once (fewer than the per-user flood limit), so the pool holds several idle
    // connections when the packets stop
    await Promise.all(
      ['alice', 'alice', 'alice', 'bob', 'bob', 'bob'].map(async (username) => {
        const res = await form(`${server.url}/oauth/token`, {
          grant_type: 'password',
          client_id: 'backend',
          client_secret: SECRET,
          username,
          password: PASSWORD,
        });
        assert.equal(res.status, 200, res.text);
        tokens.push(res.body.refresh_token);
      }),
    );

    held.blackhole();
    const answers: { what: string; status: number; ms: number }[] = [];
    const loadUntil = Date.now() + 4000;
    await Promise.all(
      [0, 1, 2, 3].map(async (worker) => {
        for (let n = 0; Date.now() < loadUntil; n++) {
          const what = ['refresh', 'password', 'readyz', 'client_credentials'][(worker + n) % 4];
          const started = performance.now();
          const res =
            what === 'refresh'
              ? await refresh(tokens[(worker + n) % tokens.length])
              : what === 'password'
                ? await form(`${server.url}/rest_api/access_token`, { grant_type: 'password', client_id: 'mobile', username: 'bob', password: PASSWORD })
                : what === 'readyz'
                  ? await request(`${server.url}/readyz`)
                  : await form(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basic('backend', SECRET) });
          answers.push({ what, status: res.status, ms: performance.now() - started });
          // answered from memory (a cached client) or refused in time: never a 500, never a hang
          if (res.status !== 200) {
            assert.equal(res.status, 503, `${what} while packets are held: ${res.status} ${res.text}`);
            assert.ok(Number(res.headers.get('retry-after')) > 0, `${what}: Retry-After`);
          }
        }
      }),
    );
    const unavailable = answers.filter((a) => a.status === 503);
    assert.ok(unavailable.length >= 8, `the load met the blackhole: ${answers.length} requests, ${unavailable.length} answered 503`);
    const slowest = answers.reduce((worst, a) => (a.ms > worst.ms ? a : worst));
    t.diagnostic(
      `${answers.length} requests, ${unavailable.length} answered 503, slowest ${slowest.what} ${Math.round(slowest.ms)} ms at GATEHOUSE_DB_TIMEOUT_MS=${timeoutMs}`,
    );
    // the budget covers the wait for a connection and the statement together (a small margin for the rest)
    assert.ok(slowest.ms < timeoutMs + 800, `${slowest.what} answered after ${Math.round(slowest.ms)} ms at a ${timeoutMs} ms setting`);

    held.restore();
    const deadline = Date.now() + 15_000;
    while ((await request(`${server.url}/readyz`)).status !== 200) {
      assert.ok(Date.now() < deadline, 'service resumed by itself');
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = await refresh(tokens[0]);
    assert.ok(after.status === 200 || after.body.error === 'invalid_grant', `refresh works again: ${after.text}`);
    const fresh = await form(`${server.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'backend',
      client_secret: SECRET,
      username: 'alice',
      password: PASSWORD,
    });
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal((await refresh(fresh.body.refresh_token)).status, 200);
  } finally {
    await server.close();
    await held.stop();
    await dropSchema(heldSchema);
  }
});
