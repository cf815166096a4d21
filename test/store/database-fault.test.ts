// The database goes away under a running instance: requests that need it answer 503 with
// Retry-After (never a 500, never a hang), /readyz says so, and when it is back service resumes by
// itself with no refresh token lost or issued twice. The outage is made with a TCP proxy in front
// of PostgreSQL, so the shared server itself is never stopped.
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { basic, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { dropSchema, freshSchemaName, postgresSkip } from '../helpers/postgres.js';

const skip = await postgresSkip();
let proxy: Server | null = null;
let port = 0;
const sockets = new Set<Socket>();
let gh: Running;
const schema = freshSchemaName();

function startProxy(): Promise<void> {
  return new Promise((resolve) => {
    proxy = createServer((client) => {
      const upstream = connect(5432, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    proxy.listen(port, '127.0.0.1', () => {
      const address = proxy!.address();
      port = typeof address === 'object' && address ? address.port : port;
      resolve();
    });
  });
}

function stopProxy(): Promise<void> {
  for (const s of sockets) s.destroy();
  const stopping = proxy;
  proxy = null;
  return new Promise((resolve) => (stopping ? stopping.close(() => resolve()) : resolve()));
}

before(async () => {
  if (skip) return;
  await startProxy();
  gh = await startGatehouse({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/test?schema=${schema}` });
});

after(async () => {
  if (skip) return;
  if (!proxy?.listening) await startProxy();
  await gh?.close();
  await stopProxy();
  await dropSchema(schema);
});

test('an outage answers 503 with Retry-After; afterwards every refresh token works exactly once', { skip }, async () => {
  const tokens: string[] = [];
  for (let i = 0; i < 12; i++) {
    const res = await form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username: 'alice', password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    tokens.push(res.body.refresh_token);
  }
  assert.equal((await request(`${gh.url}/readyz`)).status, 200);

  await stopProxy();
  const started = performance.now();
  const during = await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: tokens[0] }, { authorization: basic('backend', SECRET) });
  const took = performance.now() - started;
  assert.equal(during.status, 503, during.text);
  assert.equal(during.body.error, 'temporarily_unavailable');
  assert.ok(Number(during.headers.get('retry-after')) > 0);
  assert.ok(took < 8000, `answered in ${Math.round(took)} ms, not a hang`);
  const rest = await form(`${gh.url}/rest_api/access_token`, { grant_type: 'password', client_id: 'script', client_secret: SECRET, username: 'bob', password: PASSWORD });
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
            ? await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: spare[(worker + n) % spare.length] }, { authorization: basic('backend', SECRET) })
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

  await startProxy();
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
