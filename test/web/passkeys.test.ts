// test-engines: both
// Passkeys over HTTP (issue 13 part 6), with a software authenticator: adding one on
// /user/{uid}/passkeys, logging in with it alone, and every wrong answer a client can send — no
// ceremony, a tampered challenge, another origin or RP ID, an unknown or already registered
// passkey, a replayed assertion, a stale counter, a blocked account, a missing CSRF token —
// each with its clear 4xx. The pages' CSP allows only this server's scripts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

let gh: Running;
let rp: { id: string; origin: string };
let aliceUid: number;
let bobUid: number;

before(async () => {
  gh = await startGatehouse();
  const issuer = new URL(gh.config.issuer);
  rp = { id: issuer.hostname, origin: issuer.origin };
  aliceUid = (await gh.store.users.findByName('alice'))!.uid;
  bobUid = (await gh.store.users.findByName('bob'))!.uid;
});
after(() => gh.close());

/** The passkeys each user registered here: once they have one, the password alone no longer logs them in. */
const registered = new Map<number, SoftAuthenticator[]>();

/** Logs in with the password, then, once the user has a passkey, with it as the second factor. */
async function loggedIn(name: string): Promise<BrowserAgent> {
  const agent = new BrowserAgent(gh.url);
  const login = await agent.login(name, PASSWORD);
  assert.equal(login.status, 303);
  if (login.location !== '/user/login/second-factor') return agent;
  const uid = (await gh.store.users.findByName(name))!.uid;
  const keys = [];
  for (const key of registered.get(uid) ?? []) if (await gh.store.webauthnCredentials.get(key.id)) keys.push(key);
  const csrf = hiddenField((await agent.get(login.location)).text, 'csrf_token')!;
  const options = await agent.postJson('/user/login/second-factor/passkey/options', { csrf_token: csrf });
  const passed = await agent.post(login.location, {
    csrf_token: csrf,
    method: 'passkey',
    credential: JSON.stringify(keys[0].assertion(options.json.challenge)),
  });
  assert.equal(passed.status, 303, passed.text);
  return agent;
}

/** The page's CSRF token, and registration options for `uid` (the ceremony cookie set). */
async function registrationOptions(agent: BrowserAgent, uid: number) {
  const page = await agent.get(`/user/${uid}/passkeys`);
  assert.equal(page.status, 200);
  const csrf = hiddenField(page.text, 'csrf_token')!;
  const options = await agent.postJson(`/user/${uid}/passkeys/options`, { csrf_token: csrf });
  assert.equal(options.status, 200, options.text);
  return { csrf, options: options.json };
}

async function register(agent: BrowserAgent, uid: number, authenticator: SoftAuthenticator, name = 'Laptop') {
  const { csrf, options } = await registrationOptions(agent, uid);
  const answer = await agent.post(`/user/${uid}/passkeys`, {
    csrf_token: csrf,
    name,
    credential: JSON.stringify(authenticator.attestation(options.challenge)),
  });
  if (answer.status === 303) registered.set(uid, [...(registered.get(uid) ?? []), authenticator]);
  return answer;
}

/** A fresh browser at the login page, with login options asked for (the ceremony cookie set). */
async function loginOptions(destination = '/user/apps') {
  const agent = new BrowserAgent(gh.url);
  const page = await agent.get(`/user/login?${new URLSearchParams({ destination })}`);
  const csrf = hiddenField(page.text, 'csrf_token')!;
  const options = await agent.postJson('/user/login/passkey/options', { csrf_token: csrf });
  assert.equal(options.status, 200, options.text);
  return { agent, csrf, options: options.json, destination };
}

async function passkeyLogin(authenticator: SoftAuthenticator, bend: Parameters<SoftAuthenticator['assertion']>[1] = {}) {
  const { agent, csrf, options, destination } = await loginOptions();
  const answer = await agent.post('/user/login/passkey', {
    csrf_token: csrf,
    destination,
    credential: JSON.stringify(authenticator.assertion(options.challenge, bend)),
  });
  return { agent, answer };
}

describe('adding a passkey', () => {
  let alice: BrowserAgent;
  let key: SoftAuthenticator;
  before(async () => {
    alice = await loggedIn('alice');
    key = new SoftAuthenticator(rp);
  });

  test('the options: this RP, this user, a discoverable verified credential, own passkeys excluded', async () => {
    const { options } = await registrationOptions(alice, aliceUid);
    assert.equal(options.rp.id, rp.id);
    assert.equal(options.user.name, 'alice');
    assert.match(options.challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(options.authenticatorSelection.residentKey, 'required');
    assert.equal(options.authenticatorSelection.userVerification, 'required');
    assert.equal(options.attestation, 'none');
    assert.deepEqual(options.excludeCredentials, []);
  });

  test('registers with the software authenticator, then lists it', async () => {
    const added = await register(alice, aliceUid, key, 'Work laptop');
    assert.equal(added.status, 303, added.text);
    assert.equal(added.location, `/user/${aliceUid}/passkeys?done=added`);
    const page = await alice.get(added.location!);
    assert.match(page.text, /Passkey added\./);
    assert.match(page.text, /Work laptop/);
    assert.match(page.text, /on one device/);
    const stored = await gh.store.webauthnCredentials.get(key.id);
    assert.equal(stored?.userId, aliceUid);
    assert.equal(stored?.deviceType, 'singleDevice');
    assert.deepEqual(stored?.transports, ['internal']);
    const again = await registrationOptions(alice, aliceUid);
    assert.deepEqual(
      again.options.excludeCredentials.map((c: { id: string }) => c.id),
      [key.id],
    );
  });

  test('the same passkey a second time: 409', async () => {
    const answer = await register(alice, aliceUid, key);
    assert.equal(answer.status, 409);
    assert.match(answer.text, /already registered/);
  });

  test('a tampered challenge, another origin, another RP ID: 401, nothing stored', async () => {
    for (const bend of [{ challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, { origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const other = new SoftAuthenticator(rp);
      const { csrf, options } = await registrationOptions(alice, aliceUid);
      const answer = await alice.post(`/user/${aliceUid}/passkeys`, {
        csrf_token: csrf,
        credential: JSON.stringify(other.attestation(options.challenge, bend)),
      });
      assert.equal(answer.status, 401, JSON.stringify(bend));
      assert.match(answer.text, /could not be verified/);
      assert.equal(await gh.store.webauthnCredentials.get(other.id), null);
    }
  });

  test('an answer without a ceremony, or a ceremony used twice: 400', async () => {
    const other = new SoftAuthenticator(rp);
    const { csrf, options } = await registrationOptions(alice, aliceUid);
    const handle = alice.cookies.get('gh_passkey')!;
    alice.cookies.delete('gh_passkey');
    const none = await alice.post(`/user/${aliceUid}/passkeys`, { csrf_token: csrf, credential: JSON.stringify(other.attestation(options.challenge)) });
    assert.equal(none.status, 400);
    assert.match(none.text, /expired or was already used/);
    // the first use spends it, even a refused one
    alice.cookies.set('gh_passkey', handle);
    assert.equal((await alice.post(`/user/${aliceUid}/passkeys`, { csrf_token: csrf, credential: '{}' })).status, 400);
    alice.cookies.set('gh_passkey', handle);
    const twice = await alice.post(`/user/${aliceUid}/passkeys`, { csrf_token: csrf, credential: JSON.stringify(other.attestation(options.challenge)) });
    assert.equal(twice.status, 400);
    assert.match(twice.text, /expired or was already used/);
  });

  test('an expired ceremony: 400', async () => {
    const other = new SoftAuthenticator(rp);
    const { csrf, options } = await registrationOptions(alice, aliceUid);
    gh.clock.advance(301);
    try {
      const answer = await alice.post(`/user/${aliceUid}/passkeys`, { csrf_token: csrf, credential: JSON.stringify(other.attestation(options.challenge)) });
      assert.equal(answer.status, 400);
    } finally {
      gh.clock.advance(-301);
    }
  });

  test('answers that are no credential: 400 each', async () => {
    const other = new SoftAuthenticator(rp);
    const good = other.attestation('x');
    const malformed = [
      'not json',
      '[]',
      '"text"',
      JSON.stringify({ ...good, id: 'short' }),
      JSON.stringify({ ...good, rawId: 'different-different' }),
      JSON.stringify({ ...good, type: 'password' }),
      JSON.stringify({ ...good, response: 'x' }),
      JSON.stringify({ ...good, clientExtensionResults: [] }),
      JSON.stringify({ ...good, response: { ...good.response, attestationObject: 'not base64url!' } }),
      JSON.stringify({ ...good, response: { ...good.response, clientDataJSON: 42 } }),
      JSON.stringify({ ...good, response: { ...good.response, transports: 'usb' } }),
    ];
    for (const credential of malformed) {
      const { csrf } = await registrationOptions(alice, aliceUid);
      const answer = await alice.post(`/user/${aliceUid}/passkeys`, { csrf_token: csrf, credential });
      assert.equal(answer.status, 400, credential);
      assert.match(answer.text, /no usable passkey answer/);
    }
    // well-formed JSON whose attestation object is no CBOR: the verification refuses it
    const { csrf: token } = await registrationOptions(alice, aliceUid);
    const garbage = JSON.stringify({ ...good, response: { ...good.response, attestationObject: 'AAAA' } });
    const refused = await alice.post(`/user/${aliceUid}/passkeys`, { csrf_token: token, credential: garbage });
    assert.equal(refused.status, 401);
    assert.match(refused.text, /could not be verified/);
    const { csrf } = await registrationOptions(alice, aliceUid);
    assert.equal((await alice.post(`/user/${aliceUid}/passkeys`, { csrf_token: csrf })).status, 400, 'no credential field');
  });

  test('a name with control characters or too long: 400', async () => {
    for (const name of ['bad\u0007name', 'x'.repeat(61)]) {
      const { csrf, options } = await registrationOptions(alice, aliceUid);
      const answer = await alice.post(`/user/${aliceUid}/passkeys`, {
        csrf_token: csrf,
        name,
        credential: JSON.stringify(new SoftAuthenticator(rp).attestation(options.challenge)),
      });
      assert.equal(answer.status, 400);
      assert.match(answer.text, /at most 60 characters/);
    }
  });

  test('without a CSRF token: 403 (options and form)', async () => {
    const options = await alice.postJson(`/user/${aliceUid}/passkeys/options`, {});
    assert.equal(options.status, 403);
    assert.equal(options.json.error, 'invalid_csrf');
    const answer = await alice.post(`/user/${aliceUid}/passkeys`, { credential: '{}' });
    assert.equal(answer.status, 403);
  });

  test('another user’s page: 403; logged out: 401 (options) or the login page; no such uid: 404', async () => {
    const bob = await loggedIn('bob');
    assert.equal((await bob.get(`/user/${aliceUid}/passkeys`)).status, 403);
    const csrf = hiddenField((await bob.get(`/user/${bobUid}/passkeys`)).text, 'csrf_token')!;
    const options = await bob.postJson(`/user/${aliceUid}/passkeys/options`, { csrf_token: csrf });
    assert.equal(options.status, 403);
    assert.equal(options.json.error, 'forbidden');
    assert.equal((await bob.post(`/user/${aliceUid}/passkeys`, { csrf_token: csrf, credential: '{}' })).status, 403);
    const anonymous = new BrowserAgent(gh.url);
    const page = await anonymous.get(`/user/${aliceUid}/passkeys`);
    assert.equal(page.status, 302);
    assert.equal(page.location, `/user/login?destination=%2Fuser%2F${aliceUid}%2Fpasskeys`);
    assert.equal((await anonymous.postJson(`/user/${aliceUid}/passkeys/options`, {})).status, 401);
    assert.equal((await alice.get('/user/abc/passkeys')).status, 404);
  });
});

describe('logging in with a passkey', () => {
  let key: SoftAuthenticator;
  let synced: SoftAuthenticator;
  before(async () => {
    const alice = await loggedIn('alice');
    key = new SoftAuthenticator(rp);
    assert.equal((await register(alice, aliceUid, key, 'Key')).status, 303);
    synced = new SoftAuthenticator(rp, { synced: true });
    assert.equal((await register(alice, aliceUid, synced, 'Phone')).status, 303);
  });

  test('the login page offers it, and its CSP allows only this server’s scripts', async () => {
    const page = await new BrowserAgent(gh.url).get('/user/login');
    assert.match(page.text, /Log in with a passkey/);
    assert.match(page.text, /<script src="\/assets\/passkeys.js" defer><\/script>/);
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|nonce-/);
    for (const asset of ['/assets/passkeys.js', '/assets/webauthn-browser.js']) {
      const script = await new BrowserAgent(gh.url).get(asset);
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type')!, /^text\/javascript/);
    }
  });

  test('the options: discoverable (no allowCredentials), user verification required', async () => {
    const { options } = await loginOptions();
    assert.equal(options.rpId, rp.id);
    assert.deepEqual(options.allowCredentials ?? [], []);
    assert.equal(options.userVerification, 'required');
  });

  test('the passkey alone logs alice in and goes to the destination', async () => {
    const { agent, answer } = await passkeyLogin(key);
    assert.equal(answer.status, 303, answer.text);
    assert.equal(answer.location, '/user/apps');
    const apps = await agent.get('/user/apps');
    assert.equal(apps.status, 200);
    assert.match(apps.text, /Signed in as <strong>alice<\/strong>/);
    assert.ok((await gh.store.webauthnCredentials.get(key.id))?.lastUsedAt);
    assert.equal((await gh.store.webauthnCredentials.get(key.id))?.counter, key.lastCounter);
  });

  test('a synced passkey (no counter) logs in again and again', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await passkeyLogin(synced)).answer.status, 303);
  });

  test('the audit log names the method (amr hwk or swk) and no credential', async () => {
    await gh.app.gatehouse.audit.flush();
    const logins = (await gh.store.audit.search({ userId: aliceUid, limit: 1000 })).filter(
      (e) => e.event === 'user.login' && e.endpoint === '/user/login/passkey',
    );
    assert.deepEqual([...new Set(logins.map((e) => e.detail))].sort(), ['hwk', 'swk']);
    const all = JSON.stringify(await gh.store.audit.tail(1000));
    assert.ok(!all.includes(key.id) && !all.includes(synced.id), 'no credential id in the audit log');
  });

  test('a replayed assertion: refused (its challenge is spent)', async () => {
    const { agent, csrf, options, destination } = await loginOptions();
    const handle = agent.cookies.get('gh_passkey')!;
    const credential = JSON.stringify(key.assertion(options.challenge));
    assert.equal((await agent.post('/user/login/passkey', { csrf_token: csrf, destination, credential })).status, 303);
    const replay = new BrowserAgent(gh.url);
    const page = await replay.get('/user/login');
    replay.cookies.set('gh_passkey', handle);
    const answer = await replay.post('/user/login/passkey', { csrf_token: hiddenField(page.text, 'csrf_token')!, destination, credential });
    assert.equal(answer.status, 400);
    assert.match(answer.text, /expired or was already used/);
  });

  test('a stale signature counter (a cloned authenticator): 401', async () => {
    const { answer } = await passkeyLogin(key, { counter: key.lastCounter });
    assert.equal(answer.status, 401);
    assert.match(answer.text, /already used/);
    assert.equal((await passkeyLogin(key, { counter: 0 })).answer.status, 401);
  });

  test('a tampered challenge, another origin, another RP ID, no user verification: 401', async () => {
    for (const bend of [
      { challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      { origin: 'https://evil.example' },
      { rpId: 'evil.example' },
      { userVerified: false },
    ]) {
      const { answer } = await passkeyLogin(key, bend);
      assert.equal(answer.status, 401, JSON.stringify(bend));
      assert.match(answer.text, /could not be verified/);
      assert.equal(
        answer.headers.getSetCookie().some((c) => c.startsWith('gh_session=') && !/Max-Age=0/i.test(c)),
        false,
      );
    }
  });

  test('a passkey registered nowhere: 401', async () => {
    const { answer } = await passkeyLogin(new SoftAuthenticator(rp));
    assert.equal(answer.status, 401);
    assert.match(answer.text, /not registered here/);
  });

  test('a blocked account’s passkey: 403', async () => {
    const carol = await gh.store.users.findByName('carol');
    const carolKey = new SoftAuthenticator(rp);
    // carol registers a passkey while her account is active, and is blocked afterwards
    await gh.store.users.update(carol!.uid, { status: true });
    const agent = await loggedIn('carol');
    assert.equal((await register(agent, carol!.uid, carolKey)).status, 303);
    await gh.store.users.update(carol!.uid, { status: false });
    const { answer } = await passkeyLogin(carolKey);
    assert.equal(answer.status, 403);
    assert.match(answer.text, /blocked/);
  });

  test('bad input at the login form: no CSRF token 403, no ceremony 400, no credential 400', async () => {
    const { agent, options, destination } = await loginOptions();
    assert.equal((await agent.post('/user/login/passkey', { destination, credential: JSON.stringify(key.assertion(options.challenge)) })).status, 403);
    const fresh = new BrowserAgent(gh.url);
    const csrf = hiddenField((await fresh.get('/user/login')).text, 'csrf_token')!;
    assert.equal((await fresh.post('/user/login/passkey', { csrf_token: csrf, credential: JSON.stringify(key.assertion('x')) })).status, 400);
    const again = await loginOptions();
    const missing = await again.agent.post('/user/login/passkey', { csrf_token: again.csrf });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /no usable passkey answer/);
    assert.equal((await fresh.postJson('/user/login/passkey/options', { csrf_token: 'forged' })).status, 403);
  });
});

describe('managing passkeys', () => {
  let alice: BrowserAgent;
  let bob: BrowserAgent;
  let key: SoftAuthenticator;
  let csrf: string;
  before(async () => {
    alice = await loggedIn('alice');
    bob = await loggedIn('bob');
    key = new SoftAuthenticator(rp);
    assert.equal((await register(alice, aliceUid, key, 'Old name')).status, 303);
    csrf = hiddenField((await alice.get(`/user/${aliceUid}/passkeys`)).text, 'csrf_token')!;
  });

  test('rename: PRG, and the new name is listed', async () => {
    const answer = await alice.post(`/user/${aliceUid}/passkeys/${key.id}/rename`, { csrf_token: csrf, name: '  New   name ' });
    assert.equal(answer.status, 303);
    assert.equal(answer.location, `/user/${aliceUid}/passkeys?done=renamed`);
    assert.equal((await gh.store.webauthnCredentials.get(key.id))?.name, 'New name');
    assert.equal((await alice.post(`/user/${aliceUid}/passkeys/${key.id}/rename`, { csrf_token: csrf, name: 'a\u0000b' })).status, 400);
    assert.equal((await alice.post(`/user/${aliceUid}/passkeys/${key.id}/rename`, { name: 'x' })).status, 403);
  });

  test('bob can neither rename nor remove alice’s passkey, from his page or hers', async () => {
    const bobCsrf = hiddenField((await bob.get(`/user/${bobUid}/passkeys`)).text, 'csrf_token')!;
    const rename = await bob.post(`/user/${bobUid}/passkeys/${key.id}/rename`, { csrf_token: bobCsrf, name: 'mine' });
    assert.equal(rename.status, 404);
    assert.match(rename.text, /no passkey with that id/);
    assert.equal((await bob.post(`/user/${bobUid}/passkeys/${key.id}/delete`, { csrf_token: bobCsrf })).status, 404);
    assert.equal((await bob.post(`/user/${aliceUid}/passkeys/${key.id}/delete`, { csrf_token: bobCsrf })).status, 403);
    assert.equal((await gh.store.webauthnCredentials.get(key.id))?.name, 'New name');
  });

  test('remove: CSRF required, then PRG, and the passkey logs in no more', async () => {
    assert.equal((await alice.post(`/user/${aliceUid}/passkeys/${key.id}/delete`, {})).status, 403);
    const answer = await alice.post(`/user/${aliceUid}/passkeys/${key.id}/delete`, { csrf_token: csrf });
    assert.equal(answer.status, 303);
    assert.equal(answer.location, `/user/${aliceUid}/passkeys?done=removed`);
    assert.match((await alice.get(answer.location!)).text, /Passkey removed\./);
    assert.equal((await passkeyLogin(key)).answer.status, 401);
    assert.equal((await alice.post(`/user/${aliceUid}/passkeys/${key.id}/delete`, { csrf_token: csrf })).status, 404);
  });
});
