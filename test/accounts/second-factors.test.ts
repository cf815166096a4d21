// test-engines: both
// Second factors over HTTP (issue 13 part 6): TOTP enrolment on /user/{uid}/security confirmed by
// a first code, ten recovery codes shown once, the login's second step with every wrong input a
// client can send — wrong, reused and expired codes, a replayed recovery code, malformed input,
// another user's page, a flood of guesses — the JSON login and the password grant refusing such a
// user, the ID token's amr/acr, and neither seed nor code in the audit log or the server log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { totpCodeAt } from '../../src/accounts/second-factors/totp.js';
import { BrowserAgent, hiddenField, hiddenFields, type Page } from '../helpers/browser-http.js';
import { form, PASSWORD, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { uidOf } from '../helpers/tokens.js';

let gh: Running;
const logLines: string[] = [];
before(async () => {
  gh = await startGatehouse({ logLines, logLevel: 'info' });
});
after(() => gh.close());

/** seconds: the per-user flood window (GATEHOUSE_FLOOD_USER_WINDOW's default), and a step more */
const FLOOD_WINDOW = 21_600 + 30;

const secretOf = (page: Page) => /id="totp-secret">([A-Z2-7]+)</.exec(page.text)?.[1];
const codesOf = (page: Page) => [...page.text.matchAll(/<li><code>([0-9a-z-]+)<\/code><\/li>/g)].map((m) => m[1]);
const errorOf = (page: Page) => /role="alert">([^<]*)</.exec(page.text)?.[1];

/** Posts the form of the page at `path` whose action is `action`. */
async function submit(agent: BrowserAgent, path: string, action: string, fields: Record<string, string>): Promise<Page> {
  const page = await agent.get(path);
  const csrf = hiddenField(page.text, 'csrf_token');
  assert.ok(csrf, `no form at ${path}: ${page.status} ${page.text.slice(0, 300)}`);
  return agent.post(action, { csrf_token: csrf, ...fields });
}

/** Enrols TOTP for a logged-in agent; returns the base32 secret and the recovery codes. */
async function enrol(agent: BrowserAgent, uid: number): Promise<{ secret: string; codes: string[] }> {
  const start = await submit(agent, `/user/${uid}/security`, `/user/${uid}/security/totp`, {});
  assert.equal(start.status, 303);
  assert.equal(start.location, `/user/${uid}/security/totp`);
  const page = await agent.get(start.location!);
  assert.equal(page.status, 200);
  assert.match(page.text, /<svg[^>]*viewBox/, 'the QR code is inline SVG');
  assert.doesNotMatch(page.text, /style=|<script/, 'nothing the page CSP would block');
  const secret = secretOf(page)!;
  assert.match(page.text, new RegExp(`otpauth://totp/[^"]*secret=${secret}`));
  const confirm = await agent.post(`/user/${uid}/security/totp/confirm`, { ...hiddenFields(page.text), code: totpCodeAt(secret, gh.clock.now()) });
  assert.equal(confirm.status, 303, confirm.text.slice(0, 300));
  const shown = await agent.get(confirm.location!);
  assert.equal(shown.status, 200);
  const codes = codesOf(shown);
  assert.equal(codes.length, 10);
  // shown once: the same page again has nothing to show
  const again = await agent.get(confirm.location!);
  assert.equal(again.status, 302);
  assert.match(again.location!, /done=gone/);
  return { secret, codes };
}

/** Logs in with the password: the answer must be the second step, with no session yet. */
async function passwordStep(agent: BrowserAgent, name: string, destination = '/user/apps'): Promise<Page> {
  const login = await agent.login(name, PASSWORD, destination);
  assert.equal(login.status, 303, login.text.slice(0, 300));
  assert.equal(login.location, '/user/login/second-factor');
  assert.equal(agent.cookies.get('gh_session'), undefined, 'no session before the second factor');
  const step = await agent.get('/user/login/second-factor');
  assert.equal(step.status, 200);
  return step;
}

function secondFactor(agent: BrowserAgent, step: Page, fields: Record<string, string>): Promise<Page> {
  return agent.post('/user/login/second-factor', { csrf_token: hiddenField(step.text, 'csrf_token')!, ...fields });
}

describe('TOTP and recovery codes', () => {
  let uid: number;
  let secret: string;
  let codes: string[];

  before(async () => {
    uid = await uidOf(gh, 'bob');
    const agent = new BrowserAgent(gh.url);
    assert.equal((await agent.login('bob', PASSWORD)).status, 303);
    ({ secret, codes } = await enrol(agent, uid));
  });

  test('a wrong or malformed first code does not enable the factor', async () => {
    const alice = new BrowserAgent(gh.url);
    assert.equal((await alice.login('alice', PASSWORD)).status, 303);
    const aliceUid = await uidOf(gh, 'alice');
    await submit(alice, `/user/${aliceUid}/security`, `/user/${aliceUid}/security/totp`, {});
    const page = await alice.get(`/user/${aliceUid}/security/totp`);
    const wrong = await alice.post(`/user/${aliceUid}/security/totp/confirm`, { ...hiddenFields(page.text), code: '000000' });
    assert.equal(wrong.status, 401);
    assert.equal(errorOf(wrong), 'That code is not right. Check your app or code and try again.');
    const malformed = await alice.post(`/user/${aliceUid}/security/totp/confirm`, { ...hiddenFields(page.text), code: 'abc' });
    assert.equal(malformed.status, 400);
    assert.match(errorOf(malformed)!, /six digits/);
    const noCsrf = await alice.post(`/user/${aliceUid}/security/totp/confirm`, { code: '123456' });
    assert.equal(noCsrf.status, 403);
    const row = await gh.store.secondFactors.getTotp(aliceUid);
    assert.equal(row?.confirmedAt, null, 'still pending');
    // a pending enrolment is no factor: alice still logs in with her password alone
    const again = new BrowserAgent(gh.url);
    const login = await again.login('alice', PASSWORD);
    assert.equal(login.location, '/user/apps');
  });

  test("another user's security page is refused", async () => {
    const alice = new BrowserAgent(gh.url);
    await alice.login('alice', PASSWORD);
    const page = await alice.get(`/user/${uid}/security`);
    assert.equal(page.status, 403);
    assert.match(page.text, /only manage the security of your own account/);
    const post = await alice.post(`/user/${uid}/security/recovery-codes`, { csrf_token: 'x' });
    assert.equal(post.status, 403);
    const anonymous = await new BrowserAgent(gh.url).get(`/user/${uid}/security`);
    assert.equal(anonymous.status, 302);
    assert.match(anonymous.location!, /^\/user\/login\?destination=/);
  });

  test('the password alone no longer logs in; the code does, once per 30 s step', async () => {
    gh.clock.advance(30); // the step of the enrolment code is spent
    const agent = new BrowserAgent(gh.url);
    let step = await passwordStep(agent, 'bob');
    assert.match(step.text, /name="code"/);
    assert.match(step.text, /name="recovery_code"/);
    assert.equal((await agent.get('/user/apps')).status, 302, 'not logged in yet');

    const wrong = await secondFactor(agent, step, { method: 'totp', code: '000000' });
    assert.equal(wrong.status, 401);
    assert.equal(errorOf(wrong), 'That code is not right. Check your app or code and try again.');
    const expired = await secondFactor(agent, step, { method: 'totp', code: totpCodeAt(secret, gh.clock.now() - 120_000) });
    assert.equal(expired.status, 401, 'a code of four steps ago is refused');
    const malformed = await secondFactor(agent, step, { method: 'totp', code: '12ab' });
    assert.equal(malformed.status, 400);
    const unknown = await secondFactor(agent, step, { method: 'sms', code: '123456' });
    assert.equal(unknown.status, 400);
    assert.equal(errorOf(unknown), 'Choose one of the ways offered on this page.');
    const forged = await agent.post('/user/login/second-factor', { csrf_token: 'forged', method: 'totp', code: totpCodeAt(secret, gh.clock.now()) });
    assert.equal(forged.status, 403);

    const code = totpCodeAt(secret, gh.clock.now());
    const ok = await secondFactor(agent, step, { method: 'totp', code: ` ${code.slice(0, 3)} ${code.slice(3)} ` });
    assert.equal(ok.status, 303, ok.text.slice(0, 300));
    assert.equal(ok.location, '/user/apps');
    assert.equal((await agent.get('/user/apps')).status, 200);
    assert.equal(agent.cookies.get('gh_pending'), undefined, 'the pending login ended');

    // the same code again, in the same step, from another browser
    const other = new BrowserAgent(gh.url);
    step = await passwordStep(other, 'bob');
    const reused = await secondFactor(other, step, { method: 'totp', code });
    assert.equal(reused.status, 401);
    assert.equal(errorOf(reused), 'That code was already used. Wait for the next code in your app.');
  });

  test('a recovery code works once; a replay is refused', async () => {
    const agent = new BrowserAgent(gh.url);
    let step = await passwordStep(agent, 'bob');
    const ok = await secondFactor(agent, step, { method: 'recovery_code', recovery_code: codes[0].toUpperCase() });
    assert.equal(ok.status, 303);
    const other = new BrowserAgent(gh.url);
    step = await passwordStep(other, 'bob');
    const replay = await secondFactor(other, step, { method: 'recovery_code', recovery_code: codes[0] });
    assert.equal(replay.status, 401);
    assert.equal(errorOf(replay), 'That recovery code was already used. Each recovery code works once.');
    const wrong = await secondFactor(other, step, { method: 'recovery_code', recovery_code: 'aaaaa-aaaaa' });
    assert.equal(wrong.status, 401);
    assert.equal(await gh.store.secondFactors.unusedRecoveryCodes(uid), 9);
  });

  test('the pending login expires and completes once', async () => {
    const agent = new BrowserAgent(gh.url);
    const step = await passwordStep(agent, 'bob');
    gh.clock.advance(601);
    const late = await secondFactor(agent, step, { method: 'totp', code: totpCodeAt(secret, gh.clock.now()) });
    assert.equal(late.status, 401);
    assert.match(late.text, /Your login has expired/);
    assert.equal((await agent.get('/user/login/second-factor')).location, '/user/login');
  });

  test("Drupal's JSON login and the password grant refuse a user with a second factor", async () => {
    const json = await fetch(`${gh.url}/user/login?_format=json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bob', pass: PASSWORD }),
    });
    assert.equal(json.status, 403);
    assert.deepEqual(await json.json(), { message: 'This account logs in with a second factor: log in through the login page (/user/login) instead.' });
    assert.equal(json.headers.getSetCookie().filter((c) => c.startsWith('gh_session=') && !/max-age=0|expires=thu, 01 jan 1970/i.test(c)).length, 0);

    const grant = await form(`${gh.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'backend',
      client_secret: SECRET,
      username: 'bob',
      password: PASSWORD,
    });
    assert.equal(grant.status, 400);
    assert.equal(grant.body.error, 'invalid_grant');
    assert.match(grant.body.error_description, /second factor is required/);
    // a wrong password is still just a wrong password: nothing tells whether bob has a factor
    const wrongPass = await form(`${gh.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'backend',
      client_secret: SECRET,
      username: 'bob',
      password: 'nope',
    });
    assert.equal(wrongPass.status, 400);
    assert.doesNotMatch(wrongPass.body.error_description, /second factor/);
  });

  test('the ID token says the login used a one-time password', async () => {
    gh.clock.advance(FLOOD_WINDOW); // the wrong guesses above have aged out of flood control
    const agent = new BrowserAgent(gh.url);
    const authorize = `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'webapp', redirect_uri: 'https://rp.example/cb', scope: 'openid', state: 's', nonce: 'n' })}`;
    const toLogin = await agent.get(authorize);
    const destination = new URL(toLogin.location!, gh.url).searchParams.get('destination')!;
    const step = await passwordStep(agent, 'bob', destination);
    const ok = await secondFactor(agent, step, { method: 'totp', code: totpCodeAt(secret, gh.clock.now()) });
    assert.equal(ok.status, 303);
    const back = await agent.get(ok.location!);
    const code = new URL(back.location!).searchParams.get('code')!;
    const tokens = await form(`${gh.url}/oauth/token`, {
      grant_type: 'authorization_code',
      client_id: 'webapp',
      client_secret: SECRET,
      code,
      redirect_uri: 'https://rp.example/cb',
    });
    assert.equal(tokens.status, 200, tokens.text);
    const claims = decodeJwt(tokens.body.id_token);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    assert.equal(claims.acr, 'urn:gatehouse:acr:mfa');
  });

  test('ten new recovery codes replace the old; turning TOTP off needs the password', async () => {
    gh.clock.advance(60);
    const agent = new BrowserAgent(gh.url);
    const step = await passwordStep(agent, 'bob');
    assert.equal((await secondFactor(agent, step, { method: 'totp', code: totpCodeAt(secret, gh.clock.now()) })).status, 303);
    const regenerate = await submit(agent, `/user/${uid}/security`, `/user/${uid}/security/recovery-codes`, {});
    assert.equal(regenerate.status, 303);
    const fresh = codesOf(await agent.get(regenerate.location!));
    assert.equal(fresh.length, 10);
    assert.equal(await gh.store.secondFactors.unusedRecoveryCodes(uid), 10);

    const refused = await submit(agent, `/user/${uid}/security`, `/user/${uid}/security/totp/remove`, { current_pass: 'wrong password' });
    assert.equal(refused.status, 401);
    assert.match(errorOf(refused)!, /stays on/);
    const removed = await submit(agent, `/user/${uid}/security`, `/user/${uid}/security/totp/remove`, { current_pass: PASSWORD });
    assert.equal(removed.status, 303);
    assert.equal(await gh.store.secondFactors.getTotp(uid), null);
    assert.equal(await gh.store.secondFactors.unusedRecoveryCodes(uid), 0);
    codes = fresh;
    // and bob logs in with the password alone again
    const again = new BrowserAgent(gh.url);
    assert.equal((await again.login('bob', PASSWORD)).location, '/user/apps');
  });

  test('wrong codes are flood-controlled per user', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('bob', PASSWORD);
    ({ secret } = await enrol(agent, uid));
    const login = new BrowserAgent(gh.url);
    const step = await passwordStep(login, 'bob');
    let last: Page | null = null;
    for (let i = 0; i < 6; i++) last = await secondFactor(login, step, { method: 'totp', code: '000000' });
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
    assert.equal(errorOf(last!), 'There have been too many wrong codes. Try again later.');
    // even the right code waits now
    const right = await secondFactor(login, step, { method: 'totp', code: totpCodeAt(secret, gh.clock.now() + 30_000) });
    assert.equal(right.status, 429);
  });

  test('no seed, code or recovery code reaches the audit log or the server log', async () => {
    await gh.app.gatehouse.audit.flush();
    const entries = JSON.stringify(await gh.store.audit.tail(1000));
    assert.match(entries, /mfa\.totp_enrolled/);
    assert.match(entries, /mfa\.verify/);
    const logs = logLines.join('\n');
    for (const secretText of [secret, ...codes, ...codes.map((c) => c.replace('-', ''))]) {
      assert.ok(!entries.includes(secretText), 'audit log holds a secret');
      assert.ok(!logs.includes(secretText), 'server log holds a secret');
    }
    const row = await gh.store.secondFactors.getTotp(uid);
    assert.ok(row && !row.sealedSecret.includes(secret), 'the seed is sealed at rest');
  });
});
