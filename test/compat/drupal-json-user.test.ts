// test-engines: both
// Drupal core's JSON user endpoints through HTTP (docs/compatibility.md §7): one test per row,
// with Drupal's status codes and `{"message": …}` bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../../src/config.js';
import { PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { uidOf } from '../helpers/tokens.js';

/** A client that keeps the session cookie, as a headless front end's fetch with credentials does. */
class JsonClient {
  cookie = '';
  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown, raw?: string) {
    const response = await fetch(this.base + path, {
      method,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const set = response.headers.getSetCookie().find((c) => /gh_session=/.test(c));
    if (set) {
      const pair = set.split(';')[0];
      this.cookie = /=$/.test(pair) || /max-age=0/i.test(set) ? '' : pair;
    }
    const text = await response.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {}
    return { status: response.status, headers: response.headers, text, body: json };
  }

  login(name: unknown, pass: unknown) {
    const body: Record<string, unknown> = {};
    if (name !== undefined) body.name = name;
    if (pass !== undefined) body.pass = pass;
    return this.call('POST', '/user/login?_format=json', body);
  }
}

let gh: Running;
before(async () => {
  gh = await startGatehouse();
});
after(() => gh.close());

describe('POST /user/login?_format=json', () => {
  test('7.1 neither name nor pass: 400 Missing credentials.', async () => {
    const res = await new JsonClient(gh.url).login(undefined, undefined);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { message: 'Missing credentials.' });
  });

  test('7.2 one missing: 400 Missing credentials.name. / .pass.', async () => {
    const client = new JsonClient(gh.url);
    assert.deepEqual((await client.login(undefined, PASSWORD)).body, { message: 'Missing credentials.name.' });
    const res = await client.login('bob', undefined);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { message: 'Missing credentials.pass.' });
  });

  test('7.5 a blocked account is refused before its password is checked', async () => {
    const client = new JsonClient(gh.url);
    for (const pass of [PASSWORD, 'wrong password']) {
      const res = await client.login('carol', pass);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { message: 'The user has not been activated or is blocked.' });
    }
  });

  test('7.6 wrong password and unknown name: the same 400', async () => {
    const client = new JsonClient(gh.url);
    const wrong = await client.login('bob', 'not the password');
    const unknown = await client.login('nobody-here', 'not the password');
    for (const res of [wrong, unknown]) {
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { message: 'Unrecognized username or password.' });
    }
    assert.deepEqual((await client.login(42, 'x')).body, { message: 'Unrecognized username or password.' });
    assert.equal(client.cookie, '');
  });

  test('7.8 success: current_user, csrf_token, logout_token and the session cookie', async () => {
    const client = new JsonClient(gh.url);
    const res = await client.login('alice', PASSWORD);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body), ['current_user', 'csrf_token', 'logout_token']);
    assert.deepEqual(res.body.current_user, { uid: String(await uidOf(gh, 'alice')), roles: ['authenticated', 'editor'], name: 'alice' });
    assert.match(res.body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
    assert.match(res.body.logout_token, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(res.body.csrf_token, res.body.logout_token);
    assert.match(res.headers.getSetCookie().join('\n'), /gh_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    // the session is the web login's: the login page's status and the account pages know it
    assert.equal((await client.call('GET', '/user/login_status?_format=json')).text, '1');
    assert.equal((await client.call('GET', '/user/apps')).status, 200);
    // a second login gives tokens of its own session
    const other = await new JsonClient(gh.url).login('alice', PASSWORD);
    assert.notEqual(other.body.logout_token, res.body.logout_token);
  });

  test('7.7 already logged in: 403', async () => {
    const client = new JsonClient(gh.url);
    assert.equal((await client.login('bob', PASSWORD)).status, 200);
    const res = await client.login('bob', PASSWORD);
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { message: 'This route can only be accessed by anonymous users.' });
  });

  test('without _format=json the path is still the HTML login form', async () => {
    const res = await request(`${gh.url}/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bob', pass: PASSWORD }),
    });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });

  test('a body that is not JSON: 400, never a 5xx', async () => {
    const res = await new JsonClient(gh.url).call('POST', '/user/login?_format=json', undefined, '{"name":');
    assert.equal(res.status, 400);
  });
});

describe('flood control (7.3, 7.4): the limits of every password check', () => {
  let flood: Running;
  before(async () => {
    flood = await startGatehouse({ config: { flood: { ...testConfig().flood, userLimit: 3, ipLimit: 6 } } });
  });
  after(() => flood.close());

  test('7.3 per user, then 7.4 per IP: 403 with Drupal’s words', async () => {
    const client = new JsonClient(flood.url);
    for (let i = 0; i < 3; i++) assert.equal((await client.login('bob', 'wrong')).status, 400);
    const user = await client.login('bob', PASSWORD);
    assert.equal(user.status, 403);
    assert.deepEqual(user.body, {
      message: 'There have been more than 3 failed login attempts for this account. It is temporarily blocked. Try again later or request a new password.',
    });
    assert.ok(Number(user.headers.get('retry-after')) > 0);
    // the same counters as the login form: it is blocked there too
    for (let i = 0; i < 3; i++) assert.equal((await client.login(`other${i}`, 'wrong')).status, 400);
    const ip = await client.login('alice', PASSWORD);
    assert.equal(ip.status, 403);
    assert.deepEqual(ip.body, { message: 'Access is blocked because of IP based flood prevention.' });
  });
});

describe('GET /user/login_status?_format=json', () => {
  test('0 when anonymous, 1 when logged in, as text/plain', async () => {
    const client = new JsonClient(gh.url);
    const anonymous = await client.call('GET', '/user/login_status?_format=json');
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.text, '0');
    assert.match(anonymous.headers.get('content-type') ?? '', /^text\/plain/);
    await client.login('bob', PASSWORD);
    assert.equal((await client.call('GET', '/user/login_status?_format=json')).text, '1');
  });

  test('without _format=json: 406', async () => {
    assert.equal((await new JsonClient(gh.url).call('GET', '/user/login_status')).status, 406);
  });
});

describe('POST /user/logout?_format=json&token=…', () => {
  test('7.9 the logout token of the session: 204, and the session is over', async () => {
    const client = new JsonClient(gh.url);
    const { body } = await client.login('bob', PASSWORD);
    const session = client.cookie;
    const res = await client.call('POST', `/user/logout?_format=json&token=${body.logout_token}`);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    // the old cookie names no session any more
    client.cookie = session;
    assert.equal((await client.call('GET', '/user/login_status?_format=json')).text, '0');
  });

  test('7.10 token missing: 403', async () => {
    const client = new JsonClient(gh.url);
    await client.login('bob', PASSWORD);
    const res = await client.call('POST', '/user/logout?_format=json');
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { message: "'csrf_token' URL query argument is missing." });
  });

  test('7.11 token wrong (or another session’s): 403, and the session lives on', async () => {
    const client = new JsonClient(gh.url);
    await client.login('bob', PASSWORD);
    const other = await new JsonClient(gh.url).login('bob', PASSWORD);
    for (const token of ['nonsense', other.body.logout_token, other.body.csrf_token]) {
      const res = await client.call('POST', `/user/logout?_format=json&token=${encodeURIComponent(token)}`);
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { message: "'csrf_token' URL query argument is invalid." });
    }
    assert.equal((await client.call('GET', '/user/login_status?_format=json')).text, '1');
  });

  test('7.12 not logged in: 403', async () => {
    const res = await new JsonClient(gh.url).call('POST', '/user/logout?_format=json&token=anything');
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { message: 'This route can only be accessed by authenticated users.' });
  });
});
