// test-engines: both
// The account page /user/{uid}/edit (issue 13 part 5) over HTTP, with mail delivered to a real
// SMTP server: only one's own page; changing the password (current one required, flood
// controlled, the registration rule; other sessions, tokens and reset links ended); changing the
// e-mail address through a mailed link (bad, taken, odd but valid addresses; used, expired,
// tampered links); the approved applications; log out everywhere; every form's CSRF token; and
// no password or link in the log or the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Config } from '../../src/config.js';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { form, freePort, PASSWORD, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { linkIn, startSmtp, type TestSmtp } from '../helpers/smtp.js';

const GOOD = 'violet staircase 4 rivers';
const pathOf = (link: string) => new URL(link).pathname;

async function serve(smtp: TestSmtp | null, logLines?: string[], config: Partial<Config> = {}): Promise<Running> {
  const port = await freePort();
  return startGatehouse({
    port,
    logLines,
    logLevel: 'info',
    config: { issuer: `http://127.0.0.1:${port}`, ...(smtp ? { mail: { smtpUrl: smtp.url, from: 'gatehouse@example.com', pollMs: 50 } } : {}), ...config },
  });
}

async function loggedIn(gh: Running, name: string, password = PASSWORD): Promise<{ agent: BrowserAgent; uid: number; csrf: string }> {
  const agent = new BrowserAgent(gh.url);
  const uid = (await gh.store.users.findByName(name))!.uid;
  const login = await agent.login(name, password, `/user/${uid}/edit`);
  assert.equal(login.status, 303, login.text.slice(0, 300));
  assert.equal(login.location, `/user/${uid}/edit`);
  const page = await agent.get(`/user/${uid}/edit`);
  assert.equal(page.status, 200, page.text.slice(0, 300));
  return { agent, uid, csrf: hiddenField(page.text, 'csrf_token')! };
}

/** A refresh token of `name` (password grant through the confidential client backend). */
async function refreshTokenOf(gh: Running, name: string, password = PASSWORD): Promise<string> {
  const res = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: 'backend',
    client_secret: SECRET,
    username: name,
    password,
    scope: 'profile:read',
  });
  assert.equal(res.status, 200, res.text);
  return res.body.refresh_token;
}
const refresh = (gh: Running, token: string) =>
  form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: token });

const errorText = (page: string, id: string) => new RegExp(`id="${id}-error" role="alert">([^<]*)<`).exec(page)?.[1]?.replace(/&#39;/g, "'");

describe('the account page', () => {
  let smtp: TestSmtp;
  let gh: Running;
  const logLines: string[] = [];
  /** every password and link used, checked against the logs at the end */
  const secrets: string[] = [GOOD];

  before(async () => {
    smtp = await startSmtp();
    gh = await serve(smtp, logLines);
  });
  after(async () => {
    await gh.close();
    await smtp.close();
  });

  test('/user leads to one’s own page; not logged in, to the login form and back', async () => {
    const anonymous = new BrowserAgent(gh.url);
    const user = await anonymous.get('/user');
    assert.equal(user.status, 302);
    assert.equal(new URL(user.location!, gh.url).searchParams.get('destination'), '/user');
    const alice = (await gh.store.users.findByName('alice'))!.uid;
    const edit = await anonymous.get(`/user/${alice}/edit`);
    assert.equal(edit.status, 302);
    assert.equal(new URL(edit.location!, gh.url).searchParams.get('destination'), `/user/${alice}/edit`);
    // a POST without a session changes nothing and goes to the login form
    const post = await anonymous.post(`/user/${alice}/edit/logout-everywhere`, { csrf_token: 'x' });
    assert.equal(post.status, 303);
    assert.match(post.location!, /^\/user\/login\?destination=/);

    const { agent, uid } = await loggedIn(gh, 'alice');
    const own = await agent.get('/user');
    assert.equal(own.status, 302);
    assert.equal(own.location, `/user/${uid}/edit`);
    const page = await agent.get(own.location!);
    for (const heading of ['Change password', 'E-mail address', 'Second factors', 'Applications you have approved', 'Log out everywhere'])
      assert.ok(page.text.includes(heading), heading);
    assert.ok(page.text.includes(`href="/user/${uid}/security"`), 'links the second factors page');
    assert.equal((page.text.match(/name="csrf_token"/g) ?? []).length, 3, 'every form carries the token');
  });

  test('another user’s page: 403, and none of its forms does anything; a uid that is none: 404', async () => {
    const { agent, csrf } = await loggedIn(gh, 'alice');
    const bob = (await gh.store.users.findByName('bob'))!;
    const bobRefresh = await refreshTokenOf(gh, 'bob');
    assert.equal((await agent.get(`/user/${bob.uid}/edit`)).status, 403);
    assert.match((await agent.get(`/user/${bob.uid}/edit`)).text, /only see and change your own account/);
    assert.equal(
      (await agent.post(`/user/${bob.uid}/edit/password`, { csrf_token: csrf, current_pass: PASSWORD, pass: GOOD, pass_confirm: GOOD })).status,
      403,
    );
    assert.equal((await agent.post(`/user/${bob.uid}/edit/mail`, { csrf_token: csrf, current_pass: PASSWORD, mail: 'evil@example.com' })).status, 403);
    assert.equal((await agent.post(`/user/${bob.uid}/edit/logout-everywhere`, { csrf_token: csrf })).status, 403);
    assert.equal((await refresh(gh, bobRefresh)).status, 200, 'bob’s tokens live on');
    const after = (await gh.store.users.findByName('bob'))!;
    assert.equal(after.passHash, bob.passHash);
    assert.equal(after.mail, bob.mail);
    for (const segment of ['abc', '-1', '1.0', '01', '%00', '99999999999999999999'])
      assert.equal((await agent.get(`/user/${segment}/edit`)).status, 404, segment);
    assert.equal((await agent.get('/user/0/edit')).status, 403, 'the anonymous user is not alice');
  });

  test('change password: every wrong input refused beside its field, nothing changed', async () => {
    const { agent, uid, csrf } = await loggedIn(gh, 'alice');
    const before = (await gh.store.users.findByName('alice'))!.passHash;
    const post = (fields: Record<string, string>) => agent.post(`/user/${uid}/edit/password`, { csrf_token: csrf, ...fields });
    const cases: [Record<string, string>, number, string, RegExp][] = [
      [
        { current_pass: 'wrong password here', pass: GOOD, pass_confirm: GOOD },
        400,
        'current_pass',
        /current password is missing or incorrect; it's required to change the Password/,
      ],
      [{ current_pass: '', pass: GOOD, pass_confirm: GOOD }, 400, 'current_pass', /current password is missing or incorrect/],
      [{ current_pass: PASSWORD, pass: GOOD, pass_confirm: `${GOOD}!` }, 400, 'pass', /The specified passwords do not match/],
      [{ current_pass: PASSWORD, pass: 'password123', pass_confirm: 'password123' }, 400, 'pass', /too common/],
      [{ current_pass: PASSWORD, pass: 'short', pass_confirm: 'short' }, 400, 'pass', /at least 10 characters/],
      [{ current_pass: PASSWORD, pass: 'alice@example.com', pass_confirm: 'alice@example.com' }, 400, 'pass', /./],
      [{ current_pass: PASSWORD }, 400, 'pass', /./],
    ];
    for (const [fields, status, id, message] of cases) {
      const res = await post(fields);
      assert.equal(res.status, status, JSON.stringify(fields));
      assert.match(errorText(res.text, id) ?? '', message, JSON.stringify(fields));
    }
    const forged = await agent.post(`/user/${uid}/edit/password`, { current_pass: PASSWORD, pass: GOOD, pass_confirm: GOOD });
    assert.equal(forged.status, 403, 'no CSRF token');
    assert.equal(
      (await agent.post(`/user/${uid}/edit/password`, { csrf_token: 'forged', current_pass: PASSWORD, pass: GOOD, pass_confirm: GOOD })).status,
      403,
    );
    // repeated fields (an array) are no text
    assert.equal(
      (
        await agent.post(`/user/${uid}/edit/password`, [
          ['csrf_token', csrf],
          ['current_pass', PASSWORD],
          ['pass', GOOD],
          ['pass', GOOD],
          ['pass_confirm', GOOD],
        ])
      ).status,
      400,
    );
    assert.equal((await gh.store.users.findByName('alice'))!.passHash, before, 'unchanged');
  });

  test('the current password is flood controlled like every password check', async () => {
    const { agent, uid, csrf } = await loggedIn(gh, 'root');
    let last = 0;
    for (let i = 0; i < 6; i++) {
      last = (await agent.post(`/user/${uid}/edit/password`, { csrf_token: csrf, current_pass: `wrong guess ${i}`, pass: GOOD, pass_confirm: GOOD })).status;
    }
    assert.equal(last, 429);
    const right = await agent.post(`/user/${uid}/edit/password`, { csrf_token: csrf, current_pass: PASSWORD, pass: GOOD, pass_confirm: GOOD });
    assert.equal(right.status, 429, 'blocked even with the right password');
    assert.match(errorText(right.text, 'current_pass') ?? '', /too many failed password attempts/);
    assert.ok(right.headers.get('retry-after'));
  });

  test('change password: other sessions, tokens and reset links end; this browser goes on', async () => {
    const { agent, uid, csrf } = await loggedIn(gh, 'alice');
    const other = await loggedIn(gh, 'alice');
    const refreshToken = await refreshTokenOf(gh, 'alice');
    const reset = new BrowserAgent(gh.url);
    const asked = await reset.get('/user/password');
    await reset.post('/user/password', { csrf_token: hiddenField(asked.text, 'csrf_token')!, name: 'alice' });
    const resetLink = pathOf(linkIn(await smtp.waitFor('alice@example.com', /Replacement login information/)));
    secrets.push(resetLink.split('/').pop()!);
    assert.equal((await reset.get(resetLink)).status, 200, 'the reset link works before');

    const done = await agent.post(`/user/${uid}/edit/password`, { csrf_token: csrf, current_pass: PASSWORD, pass: GOOD, pass_confirm: GOOD });
    assert.equal(done.status, 303, done.text.slice(0, 300));
    assert.equal(done.location, `/user/${uid}/edit?done=password`);
    const page = await agent.get(done.location!);
    assert.equal(page.status, 200, 'this browser is still logged in');
    assert.match(page.text, /Your password has been changed/);
    assert.equal((await other.agent.get(`/user/${uid}/edit`)).status, 302, 'the other session ended');
    assert.equal((await refresh(gh, refreshToken)).status, 400, 'refresh tokens revoked');
    assert.equal((await reset.get(resetLink)).status, 404, 'the pending reset link is void');
    assert.equal((await new BrowserAgent(gh.url).login('alice', PASSWORD)).status, 401, 'the old password is refused');
    assert.equal((await new BrowserAgent(gh.url).login('alice', GOOD)).status, 303, 'the new one works');
  });

  test('change e-mail: bad, taken and own addresses refused; the current password required', async () => {
    const { agent, uid, csrf } = await loggedIn(gh, 'bob');
    const post = (fields: Record<string, string>) => agent.post(`/user/${uid}/edit/mail`, { csrf_token: csrf, current_pass: PASSWORD, ...fields });
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ mail: 'new@example.com', current_pass: 'not my password' }, 'mail_current_pass', /required to change the Email/],
      [{ mail: 'new@example.com', current_pass: '' }, 'mail_current_pass', /required to change the Email/],
      [{ mail: '' }, 'mail', /Enter the new e-mail address/],
      [{ mail: 'not-an-address' }, 'mail', /The email address not-an-address is not valid/],
      [{ mail: 'a@b@example.com' }, 'mail', /is not valid/],
      [{ mail: 'trailing@dot.' }, 'mail', /is not valid/],
      [{ mail: `${'x'.repeat(250)}@example.com` }, 'mail', /is not valid/],
      [{ mail: 'root@example.com' }, 'mail', /The email address root@example.com is already taken/],
      [{ mail: 'ROOT@Example.com' }, 'mail', /The email address ROOT@Example.com is already taken/],
      [{ mail: 'BOB@example.com' }, 'mail', /already your e-mail address/],
    ];
    for (const [fields, id, message] of cases) {
      const res = await post(fields);
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.match(errorText(res.text, id) ?? '', message, JSON.stringify(fields));
    }
    assert.equal((await agent.post(`/user/${uid}/edit/mail`, { current_pass: PASSWORD, mail: 'new@example.com' })).status, 403, 'no CSRF token');
    assert.equal((await gh.store.users.findByName('bob'))!.mail, 'bob@example.com');
  });

  test('change e-mail: an odd but valid address, confirmed through the mailed link; the link works once', async () => {
    const { agent, uid, csrf } = await loggedIn(gh, 'bob');
    const address = "o'hara+gatehouse@mail.sub.example.co.uk";
    const sent = await agent.post(`/user/${uid}/edit/mail`, { csrf_token: csrf, current_pass: PASSWORD, mail: address });
    assert.equal(sent.status, 303, sent.text.slice(0, 400));
    assert.equal(sent.location, `/user/${uid}/edit?done=mail`);
    assert.match((await agent.get(sent.location!)).text, /A confirmation link has been sent/);
    assert.equal((await gh.store.users.findByName('bob'))!.mail, 'bob@example.com', 'not before the link is used');
    const notice = await smtp.waitFor('bob@example.com', /E-mail address change requested/);
    assert.ok(notice.text.includes(address), 'the old address is told');
    const link = pathOf(linkIn(await smtp.waitFor(address, /Confirm your new e-mail address/)));
    secrets.push(link.split('/').pop()!);
    assert.match(link, /^\/user\/mail-change\/[A-Za-z0-9_-]{43}$/);

    // the mail change link is not a registration link
    assert.equal((await agent.get(link.replace('/user/mail-change/', '/user/verify/'))).status, 404);
    // tampered: no such link
    const token = link.split('/').pop()!;
    const tampered = `/user/mail-change/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    assert.equal((await agent.get(tampered)).status, 404);
    for (const bad of ['/user/mail-change/short', '/user/mail-change/%00', `/user/mail-change/${'a'.repeat(43)}`])
      assert.equal((await agent.get(bad)).status, 404, bad);

    // opened anywhere (a link scanner's GET changes nothing), confirmed with the form
    const confirm = await new BrowserAgent(gh.url).get(link);
    assert.equal(confirm.status, 200);
    assert.equal((await gh.store.users.findByName('bob'))!.mail, 'bob@example.com');
    const page = await agent.get(link);
    assert.equal((await agent.post(link, { csrf_token: 'forged' })).status, 403);
    const done = await agent.post(link, { csrf_token: hiddenField(page.text, 'csrf_token')! });
    assert.equal(done.status, 303);
    assert.equal(done.location, `/user/${uid}/edit?done=mailchanged`);
    const bob = (await gh.store.users.findByName('bob'))!;
    assert.equal(bob.mail, address);
    assert.equal(bob.mailVerified, true);
    assert.match((await agent.get(done.location!)).text, /Your e-mail address has been changed/);

    const reused = await agent.post(link, { csrf_token: hiddenField(page.text, 'csrf_token')! });
    assert.equal(reused.status, 410);
    assert.match(reused.text, /already been used/);
    assert.equal((await agent.get(link)).status, 410);
  });

  test('change e-mail: the address taken meanwhile is refused at the link; an expired link changes nothing', async () => {
    const { agent, uid, csrf } = await loggedIn(gh, 'bob');
    const before = (await gh.store.users.findByName('bob'))!.mail;
    const sent = await agent.post(`/user/${uid}/edit/mail`, { csrf_token: csrf, current_pass: PASSWORD, mail: 'contested@example.com' });
    assert.equal(sent.status, 303, sent.text.slice(0, 400));
    const link = pathOf(linkIn(await smtp.waitFor('contested@example.com', /Confirm your new e-mail address/)));
    secrets.push(link.split('/').pop()!);
    const carol = (await gh.store.users.findByName('carol'))!;
    await gh.store.users.update(carol.uid, { mail: 'contested@example.com' });
    const page = await agent.get(link);
    const taken = await agent.post(link, { csrf_token: hiddenField(page.text, 'csrf_token')! });
    assert.equal(taken.status, 409);
    assert.match(taken.text, /The email address contested@example.com is already taken/);
    assert.equal((await gh.store.users.findByName('bob'))!.mail, before);
    await gh.store.users.update(carol.uid, { mail: 'carol@example.com' });

    gh.clock.advance(86_401);
    assert.equal((await new BrowserAgent(gh.url).get(link)).status, 410);
    assert.match((await new BrowserAgent(gh.url).get(link)).text, /expired/);
    assert.equal((await gh.store.users.findByName('bob'))!.mail, before);
  });

  test('approved applications are listed, and revoked from here back to here', async () => {
    const { agent, uid, csrf } = await loggedIn(gh, 'bob');
    await gh.store.consents.upsert({ userId: uid, clientId: 'spa', scopes: ['openid', 'profile:read'], grantedAt: Math.floor(gh.clock.now() / 1000) });
    const page = await agent.get(`/user/${uid}/edit`);
    assert.match(page.text, /React app/);
    assert.match(page.text, /openid, profile:read/);
    const revoked = await agent.post('/user/apps/revoke', { csrf_token: csrf, client_id: 'spa', back: 'account' });
    assert.equal(revoked.status, 303);
    assert.equal(revoked.location, `/user/${uid}/edit?done=revoked`);
    assert.match((await agent.get(revoked.location!)).text, /Access revoked/);
    assert.equal(await gh.store.consents.get(uid, 'spa'), null);
    // /user/apps keeps working as before
    assert.equal((await agent.get('/user/apps')).status, 200);
    assert.equal((await agent.post('/user/apps/revoke', { csrf_token: csrf, client_id: 'spa' })).status, 404);
  });

  test('log out everywhere: every session (this one too) and every token ended; the CSRF token required', async () => {
    const { agent, uid, csrf } = await loggedIn(gh, 'bob');
    const other = await loggedIn(gh, 'bob');
    const refreshToken = await refreshTokenOf(gh, 'bob');
    assert.equal((await agent.post(`/user/${uid}/edit/logout-everywhere`, {})).status, 403);
    assert.equal((await other.agent.get(`/user/${uid}/edit`)).status, 200, 'nothing ended without the token');
    const done = await agent.post(`/user/${uid}/edit/logout-everywhere`, { csrf_token: csrf });
    assert.equal(done.status, 303);
    assert.equal(done.location, '/user/login');
    assert.equal((await agent.get(`/user/${uid}/edit`)).status, 302, 'this session ended');
    assert.equal((await other.agent.get(`/user/${uid}/edit`)).status, 302, 'the other session ended');
    assert.equal((await refresh(gh, refreshToken)).status, 400, 'refresh tokens revoked');
    assert.equal((await new BrowserAgent(gh.url).login('bob', PASSWORD)).status, 303, 'the password still works');
  });

  test('no password or link appears in the log or the audit log', async () => {
    await gh.app.gatehouse.audit.flush();
    const audit = JSON.stringify(await gh.store.audit.search({ limit: 1000 }));
    assert.match(audit, /user\.password_change/);
    assert.match(audit, /user\.mail_change/);
    assert.match(audit, /user\.logout_everywhere/);
    const log = logLines.join('\n');
    for (const secret of [...secrets, PASSWORD]) {
      assert.ok(!audit.includes(secret), `audit log holds ${secret.slice(0, 6)}…`);
      assert.ok(!log.includes(secret), `log holds ${secret.slice(0, 6)}…`);
    }
  });
});

describe('the account page without mail', () => {
  let gh: Running;
  before(async () => {
    gh = await serve(null);
  });
  after(() => gh.close());

  test('says that changing the address is unavailable, and a POST changes nothing', async () => {
    const { agent, uid, csrf } = await loggedIn(gh, 'alice');
    const page = await agent.get(`/user/${uid}/edit`);
    assert.match(page.text, /Changing your e-mail address is unavailable: this site cannot send mail/);
    assert.ok(!page.text.includes(`action="/user/${uid}/edit/mail"`));
    const res = await agent.post(`/user/${uid}/edit/mail`, { csrf_token: csrf, current_pass: PASSWORD, mail: 'new@example.com' });
    assert.equal(res.status, 400);
    assert.match(res.text, /unavailable/);
    assert.equal((await gh.store.users.findByName('alice'))!.mail, 'alice@example.com');
  });
});
