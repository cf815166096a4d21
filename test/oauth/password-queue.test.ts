// test-engines: both
// The bounded password queue (GATEHOUSE_PASSWORD_QUEUE): when every hashing slot is busy and the
// queue is full, a password check is refused at once with 503 and Retry-After in each endpoint's
// vocabulary, counted in /metrics, and costs no flood-control attempt.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { testConfig } from '../../src/config.js';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { form, PASSWORD, SECRET, startGatehouse, type JsonResponse, type Running } from '../helpers/gatehouse.js';

const METRICS = 'queue-metrics-token-queue-metrics-token-0123';
let gh: Running;
after(async () => {
  await gh?.close();
});

async function metric(series: string): Promise<number> {
  const text = await (await fetch(`${gh.url}/metrics`, { headers: { authorization: `Bearer ${METRICS}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

function statuses(answers: { status: number }[]): string {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return JSON.stringify([...counts]);
}

test('100 concurrent right passwords with a queue of 1: some are refused at once, 503 + Retry-After, in every vocabulary', async () => {
  // flood limits far above the burst: only the queue may refuse
  const flood = { ...testConfig().flood, userLimit: 10_000, userGlobalLimit: 10_000, ipLimit: 10_000 };
  gh = await startGatehouse({ config: { passwordQueue: 1, flood, metricsToken: METRICS } });

  const oauth = await Promise.all(
    Array.from({ length: 100 }, () =>
      form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username: 'alice', password: PASSWORD }),
    ),
  );
  const busy = oauth.filter((r) => r.status === 503);
  assert.ok(busy.length > 0, `some refused: ${statuses(oauth)}`);
  assert.ok(
    oauth.some((r) => r.status === 200),
    `some served: ${statuses(oauth)}`,
  );
  assert.deepEqual(
    oauth.filter((r) => r.status !== 200 && r.status !== 503),
    [],
    'nothing else',
  );
  for (const res of busy) {
    assert.equal(res.body.error, 'temporarily_unavailable');
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  }

  const rest = await Promise.all(
    Array.from({ length: 100 }, () =>
      form(`${gh.url}/rest_api/access_token`, { grant_type: 'password', client_id: 'mobile', username: 'bob', password: PASSWORD }),
    ),
  );
  const restBusy = rest.filter((r) => r.status === 503);
  assert.ok(restBusy.length > 0, `miniOrange: ${statuses(rest)}`);
  assert.deepEqual(
    rest.filter((r) => r.status !== 200 && r.status !== 503),
    [],
  );
  for (const res of restBusy) {
    assert.deepEqual(res.body, { status: 'error', error: 'SERVER_BUSY', error_description: 'The server is busy checking other passwords. Try again shortly.' });
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
  }

  const agent = new BrowserAgent(gh.url);
  const csrf = hiddenField((await agent.get('/user/login')).text, 'csrf_token')!;
  const logins = await Promise.all(
    Array.from({ length: 60 }, () => agent.post('/user/login', { name: 'root', pass: PASSWORD, destination: '/user/apps', csrf_token: csrf })),
  );
  const loginBusy = logins.filter((r) => r.status === 503);
  assert.ok(loginBusy.length > 0, `login form: ${statuses(logins)}`);
  assert.deepEqual(
    logins.filter((r) => r.status !== 303 && r.status !== 503),
    [],
  );
  for (const res of loginBusy) {
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.match(res.text, /The server is busy/);
  }

  const refused = busy.length + restBusy.length + loginBusy.length;
  assert.equal(await metric('gatehouse_password_queue_full_total'), refused, 'each refusal counted');
  assert.equal(await metric('gatehouse_store_unavailable_total'), 0, 'and not blamed on the database');
  assert.equal(await metric('gatehouse_failed_logins_total'), 0);
});

test('a refused check costs no flood-control attempt', async () => {
  // the fixture of the first test: a burst of wrong passwords, most of them refused as busy
  const answers: JsonResponse[] = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username: `ghost${i}`, password: 'wrong' }),
    ),
  );
  const checked = answers.filter((r) => r.status === 400).length;
  assert.ok(
    answers.some((r) => r.status === 503),
    statuses(answers),
  );
  assert.equal(await metric('gatehouse_failed_logins_total'), checked);
  // the IP's flood rows are exactly the checked (failed) passwords: the refused ones were given back
  const far = Math.floor(Date.now() / 1000) + 10 * 365 * 86_400;
  const rows = await gh.store.cleanup.deleteExpired('flood', far, 100_000);
  assert.equal(rows, checked * 3, 'one row per counter (IP, user and IP, user) for each checked password');
});
