// test-engines: both
// /metrics in Prometheus text format: off unless configured, behind a Bearer token on the public
// port or open on a port of its own, and counting what operators watch.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { basic, form, freePort, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

const TOKEN = 'metrics-token-metrics-token-0123456789abcdef';
const running: Running[] = [];
after(async () => {
  for (const gh of running) await gh.close();
});

async function start(config: Record<string, unknown>): Promise<Running> {
  const gh = await startGatehouse({ config });
  running.push(gh);
  return gh;
}

/** The value of one sample line, e.g. `gatehouse_tokens_issued_total{grant="password"}`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

test('without configuration /metrics does not exist', async () => {
  const gh = await start({});
  assert.equal((await request(`${gh.url}/metrics`)).status, 404);
});

test('on the public port: a Bearer token is required, compared in constant time', async () => {
  const gh = await start({ metricsToken: TOKEN });
  for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }] as Record<
    string,
    string
  >[]) {
    const res = await request(`${gh.url}/metrics`, { headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
  }
  const res = await fetch(`${gh.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  assert.match(await res.text(), /# TYPE gatehouse_http_requests_total counter/);
});

test('counts requests per route and status, tokens per grant, failed logins, flood blocks and replays', async () => {
  const gh = await start({ metricsToken: TOKEN });
  const scrape = async () => (await fetch(`${gh.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();

  assert.equal((await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basic('backend', SECRET) })).status, 200);
  const issued = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: 'backend',
    client_secret: SECRET,
    username: 'alice',
    password: PASSWORD,
  });
  assert.equal(issued.status, 200);
  const refreshed = await form(
    `${gh.url}/oauth/token`,
    { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token },
    { authorization: basic('backend', SECRET) },
  );
  assert.equal(refreshed.status, 200);
  const replay = await form(
    `${gh.url}/oauth/token`,
    { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token },
    { authorization: basic('backend', SECRET) },
  );
  assert.equal(replay.body.error, 'invalid_grant');
  for (let i = 0; i < 6; i++)
    await form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username: 'bob', password: 'wrong' });
  await request(`${gh.url}/user/12345?_format=json`);
  await new Promise((r) => setTimeout(r, 50));

  const text = await scrape();
  assert.equal(sample(text, 'gatehouse_tokens_issued_total{grant="client_credentials"}'), 1);
  assert.equal(sample(text, 'gatehouse_tokens_issued_total{grant="password"}'), 1);
  assert.equal(sample(text, 'gatehouse_tokens_issued_total{grant="refresh_token"}'), 1);
  assert.equal(sample(text, 'gatehouse_replays_detected_total{kind="refresh_token"}'), 1);
  assert.equal(sample(text, 'gatehouse_failed_logins_total'), 5, 'five wrong passwords were checked');
  assert.equal(sample(text, 'gatehouse_flood_blocks_total'), 1, 'the sixth was refused before any check');
  assert.equal(sample(text, 'gatehouse_http_requests_total{method="POST",route="/oauth/token",status="200"}'), 3);
  assert.equal(sample(text, 'gatehouse_http_requests_total{method="GET",route="/user/:id",status="401"}'), 1, 'routes by pattern, not by URL');
  assert.ok(sample(text, 'gatehouse_http_request_duration_seconds_count{method="POST",route="/oauth/token",status="200"}') === 3);
  assert.match(text, /gatehouse_process_cpu_seconds_total/);
});

test('on a port of its own: no token, and nothing else is served there', async () => {
  const port = await freePort();
  const gh = await start({ metricsPort: port });
  assert.equal((await request(`${gh.url}/metrics`)).status, 404, 'not on the public port');
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /gatehouse_http_requests_total/);
  assert.equal((await fetch(`http://127.0.0.1:${port}/oauth/jwks`)).status, 404);
});
