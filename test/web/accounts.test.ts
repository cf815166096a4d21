// test-engines: both
// Registration, mail verification and password reset through the pages (issue 13, parts 2 and 3),
// with mail delivered to a real SMTP server: every bad link a clear page that changes nothing,
// Drupal's messages for taken names and addresses, the password rule, odd but valid addresses,
// the same answer for every account asked about, and no link secret in the log or audit log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Config } from '../../src/config.js';
import { userClaims } from '../../src/oidc/claims.js';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { form, freePort, PASSWORD, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { tokenFor } from '../helpers/tokens.js';

const GOOD = 'violet staircase 4 rivers';

async function serve(smtp: TestSmtp | null, config: Partial<Config>, logLines?: string[]): Promise<Running> {
  const port = await freePort();
  return startGatehouse({
    port,
    logLines,
    logLevel: 'info',
    config: { issuer: `http://127.0.0.1:${port}`, ...(smtp ? { mail: { smtpUrl: smtp.url, from: 'gatehouse@example.com', pollMs: 50 } } : {}), ...config },
  });
}

/** Fills and posts the form of the page at `path`. */
async function submit(agent: BrowserAgent, path: string, fields: Record<string, string>) {
  const page = await agent.get(path);
  const csrf = hiddenField(page.text, 'csrf_token');
  assert.ok(csrf, `no form at ${path}: ${page.status} ${page.text.slice(0, 300)}`);
  return agent.post(path, { csrf_token: csrf, ...fields });
}

const pathOf = (link: string) => new URL(link).pathname;

describe('registration with e-mail verification', () => {
  let smtp: TestSmtp;
  let gh: Running;
  const logLines: string[] = [];
  before(async () => {
    smtp = await startSmtp();
    gh = await serve(smtp, { signup: 'visitors', signupVerifyEmail: true }, logLines);
  });
  after(async () => {
    await gh.close();
    await smtp.close();
  });

  test('register → mail → verify (choosing the password) → log in; email_verified only then', async () => {
    const agent = new BrowserAgent(gh.url);
    const form1 = await agent.get('/user/register');
    assert.equal(form1.status, 200);
    assert.ok(!form1.text.includes('name="pass"'), 'no password asked before the address is proved');
    const done = await submit(agent, '/user/register', { name: 'newcomer', mail: 'newcomer@example.com' });
    assert.equal(done.status, 200, done.text);
    assert.match(done.text, /A welcome message with further instructions has been sent to your email address/);
    assert.equal((await gh.store.users.findByName('newcomer'))?.status, false);

    const mail = await smtp.waitFor('newcomer@example.com', /Account details for newcomer/);
    const link = pathOf(linkIn(mail));
    const page = await agent.get(link);
    assert.equal(page.status, 200);
    assert.match(page.text, /At least 10 characters/, 'the rule is stated');
    const weak = await agent.post(link, { csrf_token: hiddenField(page.text, 'csrf_token')!, pass: 'password123', pass_confirm: 'password123' });
    assert.equal(weak.status, 400);
    assert.match(weak.text, /The password is too common/);
    const mismatch = await agent.post(link, { csrf_token: hiddenField(page.text, 'csrf_token')!, pass: GOOD, pass_confirm: `${GOOD}!` });
    assert.match(mismatch.text, /The specified passwords do not match/);
    const unverified = (await gh.store.users.findByName('newcomer'))!;
    assert.equal(unverified.mailVerified, false, 'nothing changed yet');
    assert.equal(userClaims(unverified, ['email'], gh.url).email_verified, false);

    const ok = await agent.post(link, { csrf_token: hiddenField(page.text, 'csrf_token')!, pass: GOOD, pass_confirm: GOOD });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /You can log in now/);
    const user = await gh.store.users.findByName('newcomer');
    assert.equal(user?.status, true);
    assert.equal(user?.mailVerified, true);
    assert.equal(userClaims(user!, ['email'], gh.url).email_verified, true, 'the email_verified claim');
    // a new address is unverified again
    const moved = await gh.store.users.update(user!.uid, { mail: 'moved@example.com' });
    assert.equal(moved.mailVerified, false);
    await gh.store.users.update(user!.uid, { mail: 'newcomer@example.com', mailVerified: true });
    const login = await agent.login('newcomer', GOOD);
    assert.equal(login.status, 303);

    // used once: the same link again is a clear page, and changes nothing
    const again = await new BrowserAgent(gh.url).get(link);
    assert.equal(again.status, 410);
    assert.match(again.text, /already been used/);
    const replay = await new BrowserAgent(gh.url).post(link, { csrf_token: 'x', pass: 'another long passphrase', pass_confirm: 'another long passphrase' });
    assert.equal(replay.status, 410);
    assert.equal((await gh.store.users.findByName('newcomer'))?.passHash, user?.passHash);
  });

  test('an expired and a tampered verification link: clear pages, nothing changes', async () => {
    const agent = new BrowserAgent(gh.url);
    await submit(agent, '/user/register', { name: 'slowpoke', mail: 'slowpoke@example.com' });
    const link = pathOf(linkIn(await smtp.waitFor('slowpoke@example.com')));
    const tampered = link.slice(0, -2) + (link.endsWith('AA') ? 'BB' : 'AA');
    const bad = await agent.get(tampered);
    assert.equal(bad.status, 404);
    assert.match(bad.text, /either been used or is no longer valid/);
    assert.equal((await agent.get('/user/verify/short')).status, 404);
    gh.clock.advance(86_400);
    const expired = await agent.get(link);
    assert.equal(expired.status, 410);
    assert.match(expired.text, /expired/);
    const user = await gh.store.users.findByName('slowpoke');
    assert.equal(user?.status, false);
    assert.equal(user?.mailVerified, false);
  });

  test('taken name or address: Drupal’s messages on the form', async () => {
    const agent = new BrowserAgent(gh.url);
    const taken = await submit(agent, '/user/register', { name: 'ALICE', mail: 'bob@example.com' });
    assert.equal(taken.status, 400);
    assert.match(taken.text, /The username ALICE is already taken./);
    assert.match(taken.text, /The email address bob@example.com is already taken./);
    // an address that differs from a stored one by case only is the same address, as Drupal sees
    // it, whichever of the two has the capitals
    const first = await submit(new BrowserAgent(gh.url), '/user/register', { name: 'casey_one', mail: 'Casey.Case@Example.com' });
    assert.notEqual(first.status, 400, first.text);
    const cased = await submit(new BrowserAgent(gh.url), '/user/register', { name: 'casey_two', mail: 'casey.case@example.com' });
    assert.equal(cased.status, 400);
    assert.match(cased.text, /The email address casey.case@example.com is already taken./);
  });

  test('odd but valid addresses are accepted', async () => {
    const agent = new BrowserAgent(gh.url);
    const odd = ["o'brien+tag@sub.example.co.uk", 'UPPER.case@Example.COM', 'δοκιμή@παράδειγμα.δοκιμή', 'x@example.museum'];
    for (const [i, mail] of odd.entries()) {
      const res = await submit(agent, '/user/register', { name: `odd${i}`, mail });
      assert.equal(res.status, 200, `${mail}: ${res.text}`);
      assert.equal((await gh.store.users.findByName(`odd${i}`))?.mail, mail);
    }
    for (const mail of ['no-at-sign', 'two@@example.com', 'space in@example.com', 'trailing@dot.']) {
      const res = await submit(agent, '/user/register', { name: 'badmail', mail });
      assert.equal(res.status, 400, mail);
      assert.match(res.text, /is not valid/);
    }
  });

  test('the log and the audit log hold no verification token', async () => {
    await gh.app.gatehouse.audit.flush();
    const audit = JSON.stringify(await gh.store.audit.tail(1000));
    for (const mail of smtp.mails) {
      const secret = pathOf(linkIn(mail)).split('/').pop()!;
      assert.ok(!logLines.join('\n').includes(secret), 'token in the log');
      assert.ok(!audit.includes(secret), 'token in the audit log');
    }
    assert.match(logLines.join('\n'), /\/user\/verify\/\[redacted\]/);
  });
});

describe('registration modes', () => {
  test('visitors, no verification: the account is open and logged in at once', async () => {
    const gh = await serve(null, { signup: 'visitors', signupVerifyEmail: false });
    try {
      const agent = new BrowserAgent(gh.url);
      const page = await agent.get('/user/register');
      assert.match(page.text, /At least 10 characters/);
      const weak = await submit(agent, '/user/register', { name: 'quick', mail: 'quick@example.com', pass: 'quick12345', pass_confirm: 'quick12345' });
      assert.equal(weak.status, 400);
      assert.match(weak.text, /must not contain your username/);
      const res = await submit(agent, '/user/register', { name: 'quick', mail: 'quick@example.com', pass: GOOD, pass_confirm: GOOD });
      assert.match(res.text, /Registration successful. You are now logged in./);
      assert.equal((await agent.get('/user/apps')).status, 200);
      assert.equal((await gh.store.users.findByName('quick'))?.mailVerified, false);
    } finally {
      await gh.close();
    }
  });

  test('visitors_approval: verified, then blocked until an administrator unblocks', async () => {
    const smtp = await startSmtp();
    const gh = await serve(smtp, { signup: 'visitors_approval', signupVerifyEmail: true });
    try {
      const agent = new BrowserAgent(gh.url);
      const res = await submit(agent, '/user/register', { name: 'applicant', mail: 'applicant@example.com' });
      assert.match(res.text, /pending approval by the site administrator/);
      const link = pathOf(linkIn(await smtp.waitFor('applicant@example.com')));
      const page = await agent.get(link);
      const ok = await agent.post(link, { csrf_token: hiddenField(page.text, 'csrf_token')!, pass: GOOD, pass_confirm: GOOD });
      assert.match(ok.text, /waiting for an administrator/);
      assert.equal((await agent.login('applicant', GOOD)).status, 403);
      const user = (await gh.store.users.findByName('applicant'))!;
      assert.equal(user.mailVerified, true);
      await gh.store.users.update(user.uid, { status: true });
      assert.equal((await agent.login('applicant', GOOD)).status, 303);
    } finally {
      await gh.close();
      await smtp.close();
    }
  });

  test('admin_only, or verification without SMTP: the page says so', async () => {
    const closed = await serve(null, {});
    const noMail = await serve(null, { signup: 'visitors', signupVerifyEmail: true });
    try {
      const login = await new BrowserAgent(closed.url).get('/user/login');
      assert.ok(!login.text.includes('/user/register') && !login.text.includes('/user/password'), 'the login page links only what the site offers');
      const a = await new BrowserAgent(closed.url).get('/user/register');
      assert.equal(a.status, 403);
      assert.match(a.text, /You cannot register a new user account./);
      const b = await new BrowserAgent(noMail.url).get('/user/register');
      assert.equal(b.status, 200);
      assert.match(b.text, /cannot send the verification mail/);
      const c = await new BrowserAgent(noMail.url).get('/user/password');
      assert.equal(c.status, 200);
      assert.match(c.text, /Password reset is unavailable: this site cannot send mail/);
    } finally {
      await closed.close();
      await noMail.close();
    }
  });
});

describe('password reset', () => {
  let smtp: TestSmtp;
  let gh: Running;
  const logLines: string[] = [];
  before(async () => {
    smtp = await startSmtp();
    gh = await serve(smtp, {}, logLines);
  });
  after(async () => {
    await gh.close();
    await smtp.close();
  });

  const requestLink = async (identifier: string) => {
    const res = await submit(new BrowserAgent(gh.url), '/user/password', { name: identifier });
    assert.equal(res.status, 200);
    assert.match(res.text, new RegExp(`If ${identifier.replace('.', '\\.')} is a valid account, an email will be sent`));
    return res;
  };

  test('forgot password → mail → new password: other sessions and tokens refused, the link used up', async () => {
    const other = new BrowserAgent(gh.url);
    assert.equal((await other.login('bob', PASSWORD)).status, 303);
    const refresh = await form(`${gh.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'backend',
      client_secret: SECRET,
      username: 'bob',
      password: PASSWORD,
      scope: 'profile:read',
    });
    assert.equal(refresh.status, 200);
    const access = await tokenFor(gh, 'bob', 'profile:read');

    await requestLink('bob@example.com');
    const link = pathOf(linkIn(await smtp.waitFor('bob@example.com', /Replacement login information for bob/)));
    assert.match(link, /^\/user\/reset\/\d+\/\d+\/[A-Za-z0-9_-]{43}$/);
    const agent = new BrowserAgent(gh.url);
    const page = await agent.get(link);
    assert.equal(page.status, 200);
    const weak = await agent.post(link, { csrf_token: hiddenField(page.text, 'csrf_token')!, pass: 'bob1234567', pass_confirm: 'bob1234567' });
    assert.equal(weak.status, 400);
    gh.clock.tick();
    const done = await agent.post(link, { csrf_token: hiddenField(page.text, 'csrf_token')!, pass: GOOD, pass_confirm: GOOD });
    assert.equal(done.status, 200, done.text);
    assert.match(done.text, /Your new password is set/);
    assert.equal((await agent.get('/user/apps')).status, 200, 'this browser is logged in');

    assert.equal((await other.get('/user/apps')).status, 302, 'the other session is over');
    const refreshed = await form(`${gh.url}/oauth/token`, {
      grant_type: 'refresh_token',
      client_id: 'backend',
      client_secret: SECRET,
      refresh_token: refresh.body.refresh_token,
    });
    assert.equal(refreshed.status, 400, 'the refresh token is revoked');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const resource = await fetch(`${gh.url}/user/1?_format=json`, { headers: { authorization: `Bearer ${access}` } });
    assert.equal(resource.status, 401, 'the access token is revoked');
    assert.equal((await new BrowserAgent(gh.url).login('bob', PASSWORD)).status, 401, 'the old password is gone');
    assert.equal((await new BrowserAgent(gh.url).login('bob', GOOD)).status, 303);

    const reused = await new BrowserAgent(gh.url).get(link);
    assert.equal(reused.status, 404);
    assert.match(reused.text, /either been used or is no longer valid/);
  });

  test('a link dies with a login, and after a day; a tampered one never works', async () => {
    await requestLink('alice');
    const link = pathOf(linkIn(await smtp.waitFor('alice@example.com', /alice/)));
    const [, , , uid, ts, hash] = link.split('/');
    const agent = new BrowserAgent(gh.url);
    const tampered = [
      `/user/reset/${uid}/${ts}/${hash.slice(0, -1)}${hash.endsWith('A') ? 'B' : 'A'}`,
      `/user/reset/${uid}/${Number(ts) - 1}/${hash}`,
      `/user/reset/0/${ts}/${hash}`,
      `/user/reset/${uid}/x/${hash}`,
    ];
    for (const path of tampered) {
      const res = await agent.get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.text, /no longer valid/);
    }
    gh.clock.advance(86_400);
    const expired = await agent.get(link);
    assert.equal(expired.status, 410);
    assert.match(expired.text, /expired/);
    gh.clock.advance(-86_400);
    assert.equal((await agent.get(link)).status, 200, 'still valid before the login');
    gh.clock.advance(2);
    assert.equal((await new BrowserAgent(gh.url).login('alice', PASSWORD)).status, 303);
    assert.equal((await agent.get(link)).status, 404, 'a login voids it');
    const before = (await gh.store.users.findByName('alice'))!.passHash;
    const post = await agent.post(link, { csrf_token: 'x', pass: GOOD, pass_confirm: GOOD });
    assert.equal(post.status, 404);
    assert.equal((await gh.store.users.findByName('alice'))!.passHash, before, 'nothing changed');
  });

  test('unknown and blocked accounts get the same answer and no mail; each account at most 5 mails per 6 h', async () => {
    const count = () => smtp.mails.length;
    await gh.app.gatehouse.outbox!.sendDue();
    const start = count();
    await requestLink('nobody-by-that-name');
    await requestLink('carol');
    await gh.app.gatehouse.outbox!.sendDue();
    assert.equal(count(), start);
    for (let i = 0; i < 7; i++) await requestLink('root');
    await gh.app.gatehouse.outbox!.sendDue();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(smtp.mails.filter((m) => m.to.includes('root@example.com')).length, 5);
  });

  test('per IP: 50 requests an hour, then a clear refusal (§7 row 7.24)', async () => {
    const port = await freePort();
    const fresh = await startGatehouse({ port, config: { mail: { smtpUrl: smtp.url, from: 'gatehouse@example.com', pollMs: 50 } } });
    try {
      const ask = () =>
        fetch(`${fresh.url}/user/password?_format=json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'nobody' }),
        });
      for (let i = 0; i < 50; i++) assert.equal((await ask()).status, 200);
      const refused = await ask();
      assert.equal(refused.status, 429);
      assert.match((await refused.json()).message, /Too many password recovery requests from your IP address/);
      const page = await submit(new BrowserAgent(fresh.url), '/user/password', { name: 'bob' });
      assert.equal(page.status, 429);
    } finally {
      await fresh.close();
    }
  });

  test('no reset hash in the log or the audit log', async () => {
    await gh.app.gatehouse.audit.flush();
    const rows = JSON.stringify(await gh.store.audit.tail(1000));
    const log = logLines.join('\n');
    const hashes = smtp.mails.filter((m) => /Replacement/.test(m.subject)).map((m) => pathOf(linkIn(m)).split('/').pop()!);
    assert.ok(hashes.length > 0);
    for (const hash of hashes) {
      assert.ok(!log.includes(hash), 'hash in the log');
      assert.ok(!rows.includes(hash), 'hash in the audit log');
    }
    assert.match(log, /\/user\/reset\/\d+\/\d+\/\[redacted\]/);
    assert.match(rows, /user.password_reset/);
  });
});
