// test-engines: both
// A passkey as the second factor after the password (issue 13 part 6), with the software
// authenticator: the login's second step offers it (same-origin scripts, own-scripts CSP), its
// challenge is bound to the pending login and spent once, another user's passkey is refused, and
// the session and the ID token say amr ["pwd","hwk"|"swk"], acr mfa. A holder of a role requiring
// MFA with only a passkey is not asked to enrol TOTP; a passwordless passkey login counts as MFA.
// The security page links to the passkeys and counts them; the admin's reset of second factors
// (API and console) deletes the passkeys too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tokenDigest } from '../../src/crypto/secrets.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { BrowserAgent, hiddenField, hiddenFields } from '../helpers/browser-http.js';
import { bearer, decodeJwt, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { uidOf } from '../helpers/tokens.js';

const STEP = '/user/login/second-factor';
const OPTIONS = `${STEP}/passkey/options`;
const AUTHORIZE = { response_type: 'code', client_id: 'webapp', redirect_uri: 'https://rp.example/cb', scope: 'openid', state: 's', nonce: 'n' };

let gh: Running;
let rp: { id: string; origin: string };
const keys = new Map<string, SoftAuthenticator>();

before(async () => {
  gh = await startGatehouse({
    world: {
      ...ADMIN_WORLD,
      roles: [...(ADMIN_WORLD.roles ?? []), { id: 'staff', label: 'Staff', permissions: ['access user profiles'], mfaRequired: true }],
      users: [
        ...(ADMIN_WORLD.users ?? []),
        { name: 'gina', mail: 'gina@example.com', password: PASSWORD, roles: [] },
        { name: 'hank', mail: 'hank@example.com', password: PASSWORD, roles: [] },
      ],
    },
  });
  const issuer = new URL(gh.config.issuer);
  rp = { id: issuer.hostname, origin: issuer.origin };
  // each registers a passkey while the password alone still logs them in
  for (const [name, synced] of [
    ['alice', false],
    ['bob', false],
    ['gina', true],
    ['hank', false],
  ] as const) {
    const key = new SoftAuthenticator(rp, { synced });
    const agent = new BrowserAgent(gh.url);
    assert.equal((await agent.login(name, PASSWORD)).status, 303);
    const uid = await uidOf(gh, name);
    const page = await agent.get(`/user/${uid}/passkeys`);
    const csrf = hiddenField(page.text, 'csrf_token')!;
    const options = await agent.postJson(`/user/${uid}/passkeys/options`, { csrf_token: csrf });
    const added = await agent.post(`/user/${uid}/passkeys`, {
      csrf_token: csrf,
      name: 'Key',
      credential: JSON.stringify(key.attestation(options.json.challenge)),
    });
    assert.equal(added.status, 303, added.text);
    keys.set(name, key);
  }
});
after(() => gh.close());

/** A browser past the password of `name`, at the second step; its page, CSRF token and passkey options. */
async function atSecondStep(name: string, destination = '/user/apps') {
  const agent = new BrowserAgent(gh.url);
  const login = await agent.login(name, PASSWORD, destination);
  assert.equal(login.status, 303);
  assert.equal(login.location, STEP);
  const page = await agent.get(STEP);
  assert.equal(page.status, 200);
  const csrf = hiddenField(page.text, 'csrf_token')!;
  return { agent, page, csrf };
}

async function passkeyOptions(agent: BrowserAgent, csrf: string) {
  const options = await agent.postJson(OPTIONS, { csrf_token: csrf });
  assert.equal(options.status, 200, options.text);
  return options.json;
}

async function sessionAmr(agent: BrowserAgent): Promise<string[] | undefined> {
  return (await gh.store.sessions.get(tokenDigest(agent.cookies.get('gh_session')!)))?.amr;
}

function noSession(answer: { headers: Headers }): boolean {
  return !answer.headers.getSetCookie().some((c) => c.startsWith('gh_session=') && !/Max-Age=0/i.test(c));
}

describe('password, then a passkey', () => {
  test('the second step offers the passkey, with only this server’s scripts', async () => {
    const { page } = await atSecondStep('alice');
    assert.match(page.text, /Use a passkey/);
    assert.match(page.text, /data-passkey="second_factor"/);
    assert.match(page.text, /<input type="hidden" name="method" value="passkey">/);
    assert.match(page.text, /<script src="\/assets\/passkeys.js" defer><\/script>/);
    assert.doesNotMatch(page.text, /name="code"/, 'alice has no TOTP');
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|nonce-/);
  });

  test('the options name only alice’s passkey, user presence enough', async () => {
    const { agent, csrf } = await atSecondStep('alice');
    const options = await passkeyOptions(agent, csrf);
    assert.equal(options.rpId, rp.id);
    assert.deepEqual(
      options.allowCredentials.map((c: { id: string }) => c.id),
      [keys.get('alice')!.id],
    );
    assert.equal(options.userVerification, 'preferred');
    assert.match(options.challenge, /^[A-Za-z0-9_-]{43}$/);
  });

  test('alice’s passkey completes the login: amr pwd hwk, then the destination', async () => {
    const { agent, csrf } = await atSecondStep('alice');
    assert.equal((await agent.get('/user/apps')).status, 302, 'no session before the second factor');
    const options = await passkeyOptions(agent, csrf);
    const answer = await agent.post(STEP, { csrf_token: csrf, method: 'passkey', credential: JSON.stringify(keys.get('alice')!.assertion(options.challenge)) });
    assert.equal(answer.status, 303, answer.text.slice(0, 400));
    assert.equal(answer.location, '/user/apps');
    assert.deepEqual(await sessionAmr(agent), ['pwd', 'hwk']);
    assert.equal((await agent.get('/user/apps')).status, 200);
    assert.equal((await agent.get(STEP)).location, '/user/login', 'the pending login is over');
  });

  test('a synced passkey adds swk; the ID token says amr pwd swk, acr mfa', async () => {
    const destination = `/oauth/authorize?${new URLSearchParams(AUTHORIZE)}`;
    const { agent, csrf } = await atSecondStep('gina', destination);
    const options = await passkeyOptions(agent, csrf);
    const answer = await agent.post(STEP, { csrf_token: csrf, method: 'passkey', credential: JSON.stringify(keys.get('gina')!.assertion(options.challenge)) });
    assert.equal(answer.status, 303, answer.text.slice(0, 400));
    assert.equal(answer.location, destination);
    const authorized = await agent.get(destination);
    const code = new URL(authorized.location!).searchParams.get('code')!;
    assert.ok(code, authorized.location ?? undefined);
    const tokens = await form(`${gh.url}/oauth/token`, {
      grant_type: 'authorization_code',
      client_id: 'webapp',
      client_secret: SECRET,
      code,
      redirect_uri: AUTHORIZE.redirect_uri,
    });
    assert.equal(tokens.status, 200, tokens.text);
    const { claims } = decodeJwt(tokens.body.id_token);
    assert.deepEqual(claims.amr, ['pwd', 'swk']);
    assert.equal(claims.acr, 'urn:gatehouse:acr:mfa');
  });

  test('bob’s passkey at alice’s second step: 401, no session, counted and audited', async () => {
    const { agent, csrf } = await atSecondStep('alice');
    const options = await passkeyOptions(agent, csrf);
    const answer = await agent.post(STEP, { csrf_token: csrf, method: 'passkey', credential: JSON.stringify(keys.get('bob')!.assertion(options.challenge)) });
    assert.equal(answer.status, 401);
    assert.match(answer.text, /That passkey was not accepted/);
    assert.ok(noSession(answer));
    assert.equal((await agent.get('/user/apps')).status, 302);
    await gh.app.gatehouse.audit.flush();
    const refused = (await gh.store.audit.tail(50)).find((e) => e.event === 'mfa.verify' && e.detail === 'passkey:wrong');
    assert.ok(refused, 'audited as a failed passkey');
    assert.ok(!JSON.stringify(await gh.store.audit.tail(500)).includes(keys.get('bob')!.id), 'no credential id in the audit log');
    // the challenge went with the refused answer: her own passkey needs new options
    const late = await agent.post(STEP, { csrf_token: csrf, method: 'passkey', credential: JSON.stringify(keys.get('alice')!.assertion(options.challenge)) });
    assert.equal(late.status, 400);
    assert.match(late.text, /expired or was already used/);
    const fresh = await passkeyOptions(agent, csrf);
    const ok = await agent.post(STEP, { csrf_token: csrf, method: 'passkey', credential: JSON.stringify(keys.get('alice')!.assertion(fresh.challenge)) });
    assert.equal(ok.status, 303);
  });

  test('the challenge is bound to its pending login: another login of the same user cannot spend it', async () => {
    const first = await atSecondStep('alice');
    const options = await passkeyOptions(first.agent, first.csrf);
    const handle = first.agent.cookies.get('gh_passkey')!;
    const second = await atSecondStep('alice');
    second.agent.cookies.set('gh_passkey', handle);
    const answer = await second.agent.post(STEP, {
      csrf_token: second.csrf,
      method: 'passkey',
      credential: JSON.stringify(keys.get('alice')!.assertion(options.challenge)),
    });
    assert.equal(answer.status, 400);
    assert.match(answer.text, /expired or was already used/);
    assert.ok(noSession(answer));
  });

  test('an assertion replayed with the spent handle: 400', async () => {
    const { agent, csrf } = await atSecondStep('alice');
    const options = await passkeyOptions(agent, csrf);
    const handle = agent.cookies.get('gh_passkey')!;
    const credential = JSON.stringify(keys.get('alice')!.assertion(options.challenge));
    const wrongTotp = await agent.post(STEP, { csrf_token: csrf, method: 'totp', code: '123456' });
    assert.equal(wrongTotp.status, 400, 'alice has no TOTP: not a method of hers');
    agent.cookies.set('gh_passkey', handle);
    assert.equal((await agent.post(STEP, { csrf_token: csrf, method: 'passkey', credential })).status, 303);
    // a new pending login, the old handle and answer
    const again = await atSecondStep('alice');
    again.agent.cookies.set('gh_passkey', handle);
    assert.equal((await again.agent.post(STEP, { csrf_token: again.csrf, method: 'passkey', credential })).status, 400);
  });

  test('wrong input at the step: no options without a pending login (401) or CSRF (403), no ceremony or credential (400), tampered (401)', async () => {
    const anonymous = new BrowserAgent(gh.url);
    const none = await anonymous.postJson(OPTIONS, { csrf_token: 'x' });
    assert.equal(none.status, 401);
    assert.equal(none.json.error, 'login_required');
    const { agent, csrf } = await atSecondStep('alice');
    const forged = await agent.postJson(OPTIONS, { csrf_token: 'forged' });
    assert.equal(forged.status, 403);
    assert.equal(forged.json.error, 'invalid_csrf');
    const noCeremony = await agent.post(STEP, { csrf_token: csrf, method: 'passkey', credential: JSON.stringify(keys.get('alice')!.assertion('x')) });
    assert.equal(noCeremony.status, 400);
    await passkeyOptions(agent, csrf);
    const noCredential = await agent.post(STEP, { csrf_token: csrf, method: 'passkey' });
    assert.equal(noCredential.status, 400);
    for (const bend of [{ challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, { origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const options = await passkeyOptions(agent, csrf);
      const answer = await agent.post(STEP, {
        csrf_token: csrf,
        method: 'passkey',
        credential: JSON.stringify(keys.get('alice')!.assertion(options.challenge, bend)),
      });
      assert.equal(answer.status, 401, JSON.stringify(bend));
      assert.ok(noSession(answer));
    }
    const options = await passkeyOptions(agent, csrf);
    const noCsrf = await agent.post(STEP, { method: 'passkey', credential: JSON.stringify(keys.get('alice')!.assertion(options.challenge)) });
    assert.equal(noCsrf.status, 403);
    // a user without a passkey is offered none, and gets no options (root steps up: a pending login, no factor)
    const root = new BrowserAgent(gh.url);
    assert.equal((await root.login('root', PASSWORD)).location, '/user/apps', 'root has no factor');
    assert.equal((await root.get('/user/login/step-up?destination=/user/apps')).location, STEP);
    const enrol = await root.get(STEP);
    assert.doesNotMatch(enrol.text, /Use a passkey/);
    const noPasskey = await root.postJson(OPTIONS, { csrf_token: hiddenField(enrol.text, 'csrf_token')! });
    assert.equal(noPasskey.status, 400);
    assert.equal(noPasskey.json.error, 'no_passkey');
  });

  test('Drupal’s JSON login and the password grant refuse the password alone of a user with a passkey', async () => {
    const json = await fetch(`${gh.url}/user/login?_format=json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'gina', pass: PASSWORD }),
    });
    assert.equal(json.status, 403);
    assert.match((await json.json()).message, /logs in with a second factor/);
    const grant = await form(`${gh.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'backend',
      client_secret: SECRET,
      username: 'gina',
      password: PASSWORD,
    });
    assert.equal(grant.status, 400);
    assert.equal(grant.body.error, 'invalid_grant');
    assert.match(grant.body.error_description, /second factor is required/);
  });

  test('a passwordless passkey login counts as MFA (UV required): acr mfa, no step-up', async () => {
    const agent = new BrowserAgent(gh.url);
    const page = await agent.get('/user/login');
    const csrf = hiddenField(page.text, 'csrf_token')!;
    const options = await agent.postJson('/user/login/passkey/options', { csrf_token: csrf });
    const login = await agent.post('/user/login/passkey', {
      csrf_token: csrf,
      destination: '/user/apps',
      credential: JSON.stringify(keys.get('hank')!.assertion(options.json.challenge)),
    });
    assert.equal(login.status, 303);
    assert.deepEqual(await sessionAmr(agent), ['hwk']);
    const asked = await agent.get(`/oauth/authorize?${new URLSearchParams({ ...AUTHORIZE, acr_values: 'urn:gatehouse:acr:mfa' })}`);
    const code = new URL(asked.location!).searchParams.get('code');
    assert.ok(code, `no step-up: ${asked.location}`);
    const tokens = await form(`${gh.url}/oauth/token`, {
      grant_type: 'authorization_code',
      client_id: 'webapp',
      client_secret: SECRET,
      code,
      redirect_uri: AUTHORIZE.redirect_uri,
    });
    assert.equal(decodeJwt(tokens.body.id_token).claims.acr, 'urn:gatehouse:acr:mfa');
  });

  test('a holder of a role requiring MFA with only a passkey passes it, and is not asked to enrol TOTP', async () => {
    const hank = await gh.store.users.findByName('hank');
    await gh.app.gatehouse.store.users.update(hank!.uid, { roles: ['staff'] });
    await gh.app.gatehouse.reload();
    try {
      const { agent, page, csrf } = await atSecondStep('hank');
      assert.doesNotMatch(page.text, /Your account requires a second factor|<svg/);
      const options = await passkeyOptions(agent, csrf);
      const answer = await agent.post(STEP, {
        csrf_token: csrf,
        method: 'passkey',
        credential: JSON.stringify(keys.get('hank')!.assertion(options.challenge)),
      });
      assert.equal(answer.status, 303);
      assert.deepEqual(await sessionAmr(agent), ['pwd', 'hwk']);
      assert.equal(await gh.store.secondFactors.getTotp(hank!.uid), null);
    } finally {
      await gh.app.gatehouse.store.users.update(hank!.uid, { roles: [] });
      await gh.app.gatehouse.reload();
    }
  });
});

describe('the security page and the admin’s reset', () => {
  test('/user/{uid}/security links to the passkeys page and counts them', async () => {
    const { agent, csrf } = await atSecondStep('bob');
    const options = await passkeyOptions(agent, csrf);
    assert.equal(
      (await agent.post(STEP, { csrf_token: csrf, method: 'passkey', credential: JSON.stringify(keys.get('bob')!.assertion(options.challenge)) })).status,
      303,
    );
    const uid = await uidOf(gh, 'bob');
    const page = await agent.get(`/user/${uid}/security`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`<a href="/user/${uid}/passkeys">`));
    assert.match(page.text, /id="passkey-count">1 passkey:/);
  });

  test('the admin API reset deletes alice’s passkeys: the password alone logs her in again', async () => {
    const uid = await uidOf(gh, 'alice');
    assert.ok((await gh.store.webauthnCredentials.listByUser(uid)).length > 0);
    const reset = await request(`${gh.url}/admin/api/v1/users/${uid}/factors`, { method: 'DELETE', headers: bearer(await adminToken(gh)) });
    assert.equal(reset.status, 204);
    assert.deepEqual(await gh.store.webauthnCredentials.listByUser(uid), []);
    const agent = new BrowserAgent(gh.url);
    const login = await agent.login('alice', PASSWORD);
    assert.equal(login.location, '/user/apps', 'no second factor left');
    const passwordless = await agent.get('/user/login');
    const csrf = hiddenField(passwordless.text, 'csrf_token')!;
    const options = await agent.postJson('/user/login/passkey/options', { csrf_token: csrf });
    const refused = await agent.post('/user/login/passkey', {
      csrf_token: csrf,
      credential: JSON.stringify(keys.get('alice')!.assertion(options.json.challenge)),
    });
    assert.equal(refused.status, 401, 'the deleted passkey logs in no more');
  });

  test('the console’s reset deletes bob’s passkeys, and the user page counts them', async () => {
    const uid = await uidOf(gh, 'bob');
    const admin = new BrowserAgent(gh.url);
    assert.equal((await admin.login('root', PASSWORD, '/admin/users')).status, 303);
    assert.match((await admin.get(`/admin/users/${uid}`)).text, /1 passkey\./);
    const confirm = await admin.get(`/admin/users/${uid}/reset-factors`);
    assert.match(confirm.text, /authenticator app, recovery codes and passkeys stop working/);
    const done = await admin.post(`/admin/users/${uid}/reset-factors`, hiddenFields(confirm.text));
    assert.equal(done.status, 303);
    assert.deepEqual(await gh.store.webauthnCredentials.listByUser(uid), []);
    assert.match((await admin.get(`/admin/users/${uid}`)).text, /No passkey\./);
  });
});
