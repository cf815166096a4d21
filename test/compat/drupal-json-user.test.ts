// test-engines: both
// Drupal core's JSON user endpoints through HTTP (docs/compatibility.md §7): one test per row,
// with Drupal's status codes and `{"message": …}` bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../../src/config.js';
import { PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { uidOf } from '../helpers/tokens.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

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

  test('7.23 a body that is not JSON: 400, never a 5xx; a cross-site form cannot log a browser in', async () => {
    const res = await new JsonClient(gh.url).call('POST', '/user/login?_format=json', undefined, '{"name":');
    assert.equal(res.status, 400);
    const message = { message: 'The request body must be JSON (Content-Type: application/json).' };
    for (const path of ['/user/login?_format=json', '/user/password?_format=json', '/user/register?_format=json']) {
      const form = await fetch(gh.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name: 'bob', pass: PASSWORD }).toString(),
      });
      assert.equal(form.status, 400, path);
      assert.deepEqual(await form.json(), message);
      assert.ok(!form.headers.getSetCookie().some((c) => /gh_session=[^;]/.test(c)), 'no session');
    }
    const plain = await fetch(`${gh.url}/user/login?_format=json`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'bob', pass: PASSWORD }),
    });
    assert.equal(plain.status, 400);
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

describe('7.22 every hashing slot busy', () => {
  test('503 with Retry-After, in Drupal’s body', async () => {
    const flood = { ...testConfig().flood, userLimit: 10_000, userGlobalLimit: 10_000, ipLimit: 10_000 };
    const busy = await startGatehouse({ config: { passwordQueue: 1, flood } });
    try {
      const answers = await Promise.all(Array.from({ length: 60 }, () => new JsonClient(busy.url).login('alice', PASSWORD)));
      const refused = answers.filter((r) => r.status === 503);
      assert.ok(refused.length > 0, answers.map((r) => r.status).join(' '));
      assert.deepEqual(
        answers.filter((r) => r.status !== 200 && r.status !== 503),
        [],
      );
      for (const res of refused) {
        assert.deepEqual(res.body, { message: 'The server is busy. Try again in a moment.' });
        assert.ok(Number(res.headers.get('retry-after')) >= 1);
      }
    } finally {
      await busy.close();
    }
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

describe('POST /user/password?_format=json', () => {
  let smtp: TestSmtp;
  let mailing: Running;
  before(async () => {
    smtp = await startSmtp();
    mailing = await startGatehouse({ config: { mail: { smtpUrl: smtp.url, from: 'gatehouse@example.com', pollMs: 50 } } });
  });
  after(async () => {
    await mailing.close();
    await smtp.close();
  });
  const ask = (base: string, body: unknown) => new JsonClient(base).call('POST', '/user/password?_format=json', body);

  test('7.13 neither name nor mail: 400', async () => {
    for (const body of [{}, { name: '' }, { mail: 42 }]) {
      const res = await ask(mailing.url, body);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { message: 'Missing credentials.name or credentials.mail' });
    }
  });

  test('7.14 known, unknown and blocked accounts: the same empty 200; only the known active one gets mail', async () => {
    const answers = [
      await ask(mailing.url, { name: 'bob' }),
      await ask(mailing.url, { mail: 'alice@example.com' }),
      await ask(mailing.url, { name: 'nobody-at-all' }),
      await ask(mailing.url, { mail: 'nobody@example.com' }),
      await ask(mailing.url, { name: 'carol' }),
    ];
    for (const res of answers) {
      assert.equal(res.status, 200);
      assert.equal(res.text, '');
    }
    const bob = await smtp.waitFor('bob@example.com', /Replacement login information for bob/);
    assert.match(bob.text, /\/user\/reset\/\d+\/\d+\/[A-Za-z0-9_-]{43}\n/);
    await smtp.waitFor('alice@example.com', /Replacement login information for alice/);
    await mailing.app.gatehouse.outbox!.sendDue();
    assert.ok(!smtp.mails.some((m) => m.to.includes('carol@example.com')), 'a blocked account gets no mail');
  });

  test('7.24 more than 50 requests from one IP in an hour: 429', async () => {
    const limited = await startGatehouse({ config: { mail: { smtpUrl: smtp.url, from: 'gatehouse@example.com', pollMs: 50 } } });
    try {
      for (let i = 0; i < 50; i++) assert.equal((await ask(limited.url, { name: `nobody${i}` })).status, 200);
      const res = await ask(limited.url, { name: 'bob' });
      assert.equal(res.status, 429);
      assert.deepEqual(res.body, {
        message: 'Too many password recovery requests from your IP address. It is temporarily blocked. Try again later or log in with your password.',
      });
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    } finally {
      await limited.close();
    }
  });

  test('7.15 mail cannot be sent (no SMTP configured): 400, whoever is asked for', async () => {
    for (const body of [{ name: 'bob' }, { name: 'nobody-at-all' }]) {
      const res = await ask(gh.url, body);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { message: 'Unable to send email. Contact the site administrator if the problem persists.' });
    }
  });
});

describe('POST /user/register?_format=json', () => {
  let smtp: TestSmtp;
  let verifying: Running;
  let open: Running;
  before(async () => {
    smtp = await startSmtp();
    const mail = { smtpUrl: smtp.url, from: 'gatehouse@example.com', pollMs: 50 };
    verifying = await startGatehouse({ config: { mail, signup: 'visitors', signupVerifyEmail: true } });
    open = await startGatehouse({ config: { signup: 'visitors', signupVerifyEmail: false } });
  });
  after(async () => {
    await verifying.close();
    await open.close();
    await smtp.close();
  });
  const drupalUser = (name: string, mail: string, pass?: string) => ({
    name: [{ value: name }],
    mail: [{ value: mail }],
    ...(pass === undefined ? {} : { pass: [{ value: pass }] }),
  });
  const post = (base: string, body: unknown, client = new JsonClient(base)) => client.call('POST', '/user/register?_format=json', body);

  test('7.16 administrators only (the default): 403', async () => {
    const res = await post(gh.url, drupalUser('newbie', 'newbie@example.com', 'a long enough passphrase'));
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { message: 'You cannot register a new user account.' });
  });

  test('7.17 the caller is logged in: 403', async () => {
    const client = new JsonClient(open.url);
    assert.equal((await client.login('bob', PASSWORD)).status, 200);
    const res = await post(open.url, drupalUser('another', 'another@example.com', 'a long enough passphrase'), client);
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, { message: 'Only anonymous users can register a user.' });
  });

  test('7.18 verification off and no pass: 422', async () => {
    const res = await post(open.url, drupalUser('nopass', 'nopass@example.com'));
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, { message: 'No password provided.' });
  });

  test('7.19 verification on and a pass given: 422', async () => {
    const res = await post(verifying.url, drupalUser('withpass', 'withpass@example.com', 'a long enough passphrase'));
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, { message: 'A Password cannot be specified. It will be generated on login.' });
  });

  test('7.20 name or mail taken: 422 with Drupal’s lines', async () => {
    const name = await post(open.url, drupalUser('Bob', 'fresh@example.com', 'a long enough passphrase'));
    assert.equal(name.status, 422);
    assert.deepEqual(name.body, { message: 'Unprocessable Entity: validation failed.\nname: The username Bob is already taken.\n' });
    const mail = await post(open.url, drupalUser('fresh', 'alice@example.com', 'a long enough passphrase'));
    assert.deepEqual(mail.body, { message: 'Unprocessable Entity: validation failed.\nmail: The email address alice@example.com is already taken.\n' });
    const both = await post(open.url, drupalUser('alice', 'alice@example.com', 'a long enough passphrase'));
    assert.deepEqual(both.body, {
      message:
        'Unprocessable Entity: validation failed.\nname: The username alice is already taken.\nmail: The email address alice@example.com is already taken.\n',
    });
  });

  test('7.26 a weak password, a bad name or address: 422 naming the field', async () => {
    const weak = await post(open.url, drupalUser('weakling', 'weak@example.com', 'password123'));
    assert.equal(weak.status, 422);
    assert.match(weak.body.message, /^Unprocessable Entity: validation failed.\npass: The password is too common/);
    const short = await post(open.url, drupalUser('shorty', 'short@example.com', 'abc'));
    assert.match(short.body.message, /pass: The password must be at least 10 characters long./);
    const badMail = await post(open.url, drupalUser('nomail', 'not-an-address', 'a long enough passphrase'));
    assert.match(badMail.body.message, /mail: The email address not-an-address is not valid./);
    const badName = await post(open.url, drupalUser(' spaced', 'spaced@example.com', 'a long enough passphrase'));
    assert.match(badName.body.message, /name: The username cannot begin or end with a space./);
    const missing = await post(open.url, { pass: [{ value: 'a long enough passphrase' }] });
    assert.equal(missing.status, 422);
    assert.match(missing.body.message, /name: You must enter a username.\nmail: Email field is required.\n/);
  });

  test('7.21 success, verification off: 200 with the account as §6 normalizes it; it can log in', async () => {
    const res = await post(open.url, drupalUser('Opener', 'opener@example.com', 'a long enough passphrase'));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.name, [{ value: 'Opener' }]);
    assert.deepEqual(res.body.mail, [{ value: 'opener@example.com' }]);
    assert.equal(typeof res.body.uid[0].value, 'number');
    assert.ok(!('pass' in res.body));
    assert.equal((await new JsonClient(open.url).login('Opener', 'a long enough passphrase')).status, 200);
  });

  test('7.25 verification on without SMTP: 503 saying so', async () => {
    const noMail = await startGatehouse({ config: { signup: 'visitors', signupVerifyEmail: true } });
    try {
      const res = await post(noMail.url, drupalUser('hopeful', 'hopeful@example.com'));
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { message: 'Registration is unavailable: this site cannot send the verification mail. Contact the site administrator.' });
      assert.equal(await noMail.store.users.findByName('hopeful'), null);
    } finally {
      await noMail.close();
    }
  });

  test('7.27 more than 20 registrations from one IP in an hour: 429', async () => {
    const limited = await startGatehouse({
      config: { signup: 'visitors', signupVerifyEmail: true, mail: { smtpUrl: smtp.url, from: 'gatehouse@example.com', pollMs: 50 } },
    });
    try {
      for (let i = 0; i < 20; i++) assert.equal((await post(limited.url, drupalUser(`many${i}`, `many${i}@example.com`))).status, 200);
      const res = await post(limited.url, drupalUser('many20', 'many20@example.com'));
      assert.equal(res.status, 429);
      assert.deepEqual(res.body, { message: 'There have been too many registrations from your IP address. Try again later.' });
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    } finally {
      await limited.close();
    }
  });

  test('7.21 success, verification on: the account waits for its mailed link', async () => {
    const res = await post(verifying.url, drupalUser('verifier', 'verifier@example.com'));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.name, [{ value: 'verifier' }]);
    const mail = await smtp.waitFor('verifier@example.com', /Account details for verifier/);
    assert.match(mail.text, /\/user\/verify\/[A-Za-z0-9_-]{43}\n/);
    const login = await new JsonClient(verifying.url).login('verifier', 'anything at all');
    assert.deepEqual(login.body, { message: 'The user has not been activated or is blocked.' });
  });
});
