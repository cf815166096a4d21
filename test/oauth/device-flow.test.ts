// test-engines: both
// RFC 8628 over HTTP: the device authorization endpoint, /device (login, code entry, consent,
// CSRF, flood control), and every answer the token endpoint gives a polling device.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../../src/config.js';
import { BrowserAgent, hiddenFields } from '../helpers/browser-http.js';
import { basic, decodeJwt, form, PASSWORD, request, SECRET, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';

const URN = 'urn:ietf:params:oauth:grant-type:device_code';
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const IP_LIMIT = 6;

let gh: Running;
before(async () => {
  gh = await startGatehouse({
    config: { flood: { ...testConfig().flood, ipLimit: IP_LIMIT } },
    world: {
      ...WORLD,
      clients: [
        ...WORLD.clients!,
        {
          clientId: 'tv',
          label: 'Living-room TV',
          confidential: false,
          grantTypes: ['device_code', 'refresh_token'],
          scopes: ['openid', 'profile', 'profile:read'],
        },
        { clientId: 'console', label: 'Game console', confidential: true, secret: SECRET, grantTypes: ['device_code'], scopes: ['profile:read'] },
      ],
    },
  });
});
after(() => gh.close());

interface DeviceAnswer {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

async function authorizeDevice(fields: Record<string, string> = { client_id: 'tv', scope: 'openid profile:read' }, headers: Record<string, string> = {}) {
  const answer = await form(`${gh.url}/oauth/device_authorization`, fields, headers);
  assert.equal(answer.status, 200, answer.text);
  return answer.body as DeviceAnswer;
}

const poll = (deviceCode: string, clientId = 'tv', extra: Record<string, string> = {}) =>
  form(`${gh.url}/oauth/token`, { grant_type: URN, device_code: deviceCode, client_id: clientId, ...extra });

/** A browser signed in as `user`, on /device. */
async function signedIn(user = 'alice'): Promise<BrowserAgent> {
  const agent = new BrowserAgent(gh.url);
  const login = await agent.login(user, PASSWORD, '/device');
  assert.equal(login.status, 303, login.text.slice(0, 300));
  return agent;
}

/** Enters the code at /device and answers the consent page; returns the final page. */
async function decide(agent: BrowserAgent, typed: string, decision: 'allow' | 'deny') {
  const entry = await agent.get('/device');
  const consent = await agent.post('/device', { ...hiddenFields(entry.text), user_code: typed });
  assert.equal(consent.status, 200, consent.text.slice(0, 500));
  assert.match(consent.text, /name="decision"/);
  return agent.post('/device', { ...hiddenFields(consent.text), decision });
}

describe('device authorization endpoint', () => {
  test('discovery lists the endpoint and the grant type', async () => {
    const { body } = await request(`${gh.url}/.well-known/openid-configuration`);
    assert.equal(body.device_authorization_endpoint, `${gh.config.issuer}/oauth/device_authorization`);
    assert.ok(body.grant_types_supported.includes(URN));
    assert.ok(!body.grant_types_supported.includes('device_code'));
  });

  test('a public client gets a device code, a XXXX-XXXX user code and where to enter it', async () => {
    const answer = await form(`${gh.url}/oauth/device_authorization`, { client_id: 'tv', scope: 'openid profile:read' });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const body = answer.body as DeviceAnswer;
    assert.match(body.user_code, USER_CODE);
    assert.ok(body.device_code.length >= 43);
    assert.equal(body.verification_uri, `${gh.config.issuer}/device`);
    assert.equal(body.verification_uri_complete, `${gh.config.issuer}/device?user_code=${body.user_code}`);
    assert.equal(body.expires_in, 600);
    assert.equal(body.interval, 5);
  });

  test('a confidential client authenticates as at the token endpoint', async () => {
    const ok = await authorizeDevice({}, { authorization: basic('console', SECRET) });
    assert.match(ok.user_code, USER_CODE);
    const wrong = await form(`${gh.url}/oauth/device_authorization`, {}, { authorization: basic('console', 'wrong-secret-wrong-secret-wrong-secret') });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const none = await form(`${gh.url}/oauth/device_authorization`, { client_id: 'console' });
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_client');
  });

  test('refusals: unknown client, no device_code grant, bad scope, wrong method or body', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ client_id: 'nope' }, 401, 'invalid_client'],
      [{}, 400, 'invalid_request'],
      [{ client_id: 'spa' }, 400, 'unauthorized_client'],
      [{ client_id: 'tv', scope: 'users:admin' }, 400, 'invalid_scope'],
      [{ client_id: 'tv', scope: 'no-such-scope' }, 400, 'invalid_scope'],
    ];
    for (const [fields, status, error] of cases) {
      const answer = await form(`${gh.url}/oauth/device_authorization`, fields);
      assert.equal(answer.status, status, JSON.stringify(fields) + answer.text);
      assert.equal(answer.body.error, error, JSON.stringify(fields));
    }
    const get = await request(`${gh.url}/oauth/device_authorization`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const json = await request(`${gh.url}/oauth/device_authorization`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'tv' }),
    });
    assert.equal(json.status, 400);
    assert.equal(json.body.error, 'invalid_request');
  });
});

describe('polling the token endpoint', () => {
  test('pending, slow_down growing the interval by 5 s, then tokens once', async () => {
    const device = await authorizeDevice();
    let answer = await poll(device.device_code);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'authorization_pending');
    answer = await poll(device.device_code);
    assert.equal(answer.body.error, 'slow_down');
    // the interval is now 10 s: 6 s later is still too soon
    gh.clock.advance(6);
    assert.equal((await poll(device.device_code)).body.error, 'slow_down');
    // now 15 s
    gh.clock.advance(15);
    assert.equal((await poll(device.device_code)).body.error, 'authorization_pending');

    const agent = await signedIn();
    const done = await decide(agent, device.user_code, 'allow');
    assert.equal(done.status, 200);
    assert.match(done.text, /Living-room TV is now connected/);

    gh.clock.advance(15);
    answer = await poll(device.device_code);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(answer.body.scope, 'openid profile:read');
    assert.ok(answer.body.refresh_token);
    const { claims } = decodeJwt(answer.body.access_token);
    assert.equal(claims.client_id, 'tv');
    const idToken = decodeJwt(answer.body.id_token).claims;
    assert.equal(idToken.aud, 'tv');
    assert.ok(typeof idToken.auth_time === 'number');

    gh.clock.advance(15);
    answer = await poll(device.device_code);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'invalid_grant');
  });

  test('the refresh token of a device grant refreshes', async () => {
    const device = await authorizeDevice({ client_id: 'tv', scope: 'profile:read' });
    await decide(await signedIn(), device.user_code, 'allow');
    const tokens = await poll(device.device_code);
    assert.equal(tokens.status, 200, tokens.text);
    const refreshed = await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, client_id: 'tv' });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(refreshed.body.scope, 'profile:read');
  });

  test('denied: access_denied', async () => {
    const device = await authorizeDevice();
    const done = await decide(await signedIn('bob'), device.user_code, 'deny');
    assert.equal(done.status, 200);
    assert.match(done.text, /was not given access/);
    const answer = await poll(device.device_code);
    assert.equal(answer.body.error, 'access_denied');
  });

  test('expired: expired_token, and the code can no longer be entered', async () => {
    const device = await authorizeDevice();
    gh.clock.advance(601);
    const answer = await poll(device.device_code);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'expired_token');
    const agent = await signedIn();
    const entry = await agent.get('/device');
    const page = await agent.post('/device', { ...hiddenFields(entry.text), user_code: device.user_code });
    assert.equal(page.status, 400);
    assert.match(page.text, /not valid/);
  });

  test('unknown device code, missing device_code, another client’s code: clear errors', async () => {
    const device = await authorizeDevice();
    const unknown = await poll('not-a-device-code');
    assert.equal(unknown.body.error, 'invalid_grant');
    const missing = await form(`${gh.url}/oauth/token`, { grant_type: URN, client_id: 'tv' });
    assert.equal(missing.body.error, 'invalid_request');
    assert.match(missing.body.error_description, /device_code/);
    const other = await form(`${gh.url}/oauth/token`, { grant_type: URN, device_code: device.device_code }, { authorization: basic('console', SECRET) });
    assert.equal(other.status, 400);
    assert.equal(other.body.error, 'invalid_grant');
    assert.match(other.body.error_description, /another client/);
    // approved, the other client still cannot redeem it, and its owner still can
    await decide(await signedIn(), device.user_code, 'allow');
    const stolen = await form(`${gh.url}/oauth/token`, { grant_type: URN, device_code: device.device_code }, { authorization: basic('console', SECRET) });
    assert.equal(stolen.body.error, 'invalid_grant');
    assert.equal((await poll(device.device_code)).status, 200);
  });

  test('a client without the device_code grant, and grant_type=device_code without the URN', async () => {
    const device = await authorizeDevice();
    const spa = await poll(device.device_code, 'spa');
    assert.equal(spa.body.error, 'unauthorized_client');
    const bare = await form(`${gh.url}/oauth/token`, { grant_type: 'device_code', device_code: device.device_code, client_id: 'tv' });
    assert.equal(bare.body.error, 'unsupported_grant_type');
  });

  test('two polls at once on an approved code: one gets the tokens', async () => {
    const device = await authorizeDevice();
    await decide(await signedIn(), device.user_code, 'allow');
    const answers = await Promise.all([poll(device.device_code), poll(device.device_code), poll(device.device_code)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400]);
    for (const a of answers.filter((a) => a.status === 400)) assert.ok(['slow_down', 'invalid_grant'].includes(a.body.error), a.text);
  });

  test('a user blocked after approving gets no tokens', async () => {
    const device = await authorizeDevice({ client_id: 'tv', scope: 'profile:read' });
    const agent = await signedIn('bob');
    await decide(agent, device.user_code, 'allow');
    const bob = await gh.store.users.findByName('bob');
    await gh.store.users.update(bob!.uid, { status: false });
    const answer = await poll(device.device_code);
    assert.equal(answer.body.error, 'invalid_grant');
    await gh.store.users.update(bob!.uid, { status: true });
  });
});

describe('/device', () => {
  test('without a session: to the login page and back, the code carried', async () => {
    const device = await authorizeDevice();
    const agent = new BrowserAgent(gh.url);
    const page = await agent.get(`/device?user_code=${device.user_code}`);
    assert.equal(page.status, 302);
    const destination = new URL(page.location!, gh.url).searchParams.get('destination')!;
    assert.equal(destination, `/device?user_code=${device.user_code}`);
    const login = await agent.login('alice', PASSWORD, destination);
    assert.equal(login.location, destination);
    const entry = await agent.get(destination);
    assert.equal(entry.status, 200);
    assert.match(entry.text, new RegExp(`value="${device.user_code}"`));
    const posted = await new BrowserAgent(gh.url).post('/device', { user_code: device.user_code });
    assert.equal(posted.status, 303);
    assert.match(posted.location!, /^\/user\/login\?destination=/);
  });

  test('the code typed in lower case, without its dash or with spaces, works; the consent page names the client and scopes', async () => {
    const device = await authorizeDevice();
    const agent = await signedIn();
    const entry = await agent.get('/device');
    const typed = ` ${device.user_code.toLowerCase().replace('-', ' ')} `;
    const consent = await agent.post('/device', { ...hiddenFields(entry.text), user_code: typed });
    assert.equal(consent.status, 200, consent.text);
    assert.match(consent.text, /Living-room TV wants to access your account/);
    assert.match(consent.text, /Read user profiles/);
    assert.match(consent.text, /action="\/device"/);
    const noDash = await agent.post('/device', { ...hiddenFields(entry.text), user_code: device.user_code.replace('-', '') });
    assert.equal(noDash.status, 200);
  });

  test('a form without its CSRF token is refused', async () => {
    const device = await authorizeDevice();
    const agent = await signedIn();
    const page = await agent.post('/device', { user_code: device.user_code });
    assert.equal(page.status, 403);
    const decided = await agent.post('/device', { user_code: device.user_code, decision: 'allow', csrf_token: 'forged' });
    assert.equal(decided.status, 403);
    assert.equal((await poll(device.device_code)).body.error, 'authorization_pending');
  });

  test('a malformed code is explained; an unknown decision is refused', async () => {
    const device = await authorizeDevice();
    const agent = await signedIn();
    const entry = await agent.get('/device');
    const malformed = await agent.post('/device', { ...hiddenFields(entry.text), user_code: 'AEIO-1234' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.text, /8-letter code/);
    const odd = await agent.post('/device', { ...hiddenFields(entry.text), user_code: device.user_code, decision: 'maybe' });
    assert.equal(odd.status, 400);
  });

  test('a code decided once cannot be decided again', async () => {
    const device = await authorizeDevice();
    const agent = await signedIn();
    const entry = await agent.get('/device');
    const consent = await agent.post('/device', { ...hiddenFields(entry.text), user_code: device.user_code });
    const fields = hiddenFields(consent.text);
    assert.equal((await agent.post('/device', { ...fields, decision: 'deny' })).status, 200);
    const again = await agent.post('/device', { ...fields, decision: 'allow' });
    assert.equal(again.status, 400);
    assert.equal((await poll(device.device_code)).body.error, 'access_denied');
  });

  test('guessing codes is flood-controlled per IP, like passwords', async () => {
    gh.clock.advance(7200); // past earlier tests' counts
    const agent = await signedIn('root');
    const entry = await agent.get('/device');
    const fields = hiddenFields(entry.text);
    for (let i = 0; i < IP_LIMIT; i++) {
      const wrong = await agent.post('/device', { ...fields, user_code: 'BBBB-BBBB' });
      assert.equal(wrong.status, 400, `guess ${i}`);
    }
    const device = await authorizeDevice();
    const blocked = await agent.post('/device', { ...fields, user_code: device.user_code });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.match(blocked.text, /Too many wrong codes/);
    gh.clock.advance(3601);
  });
});
