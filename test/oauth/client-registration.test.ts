// test-engines: both
// Dynamic client registration (RFC 7591) and management (RFC 7592): GATEHOUSE_REGISTRATION off,
// token and open; initial access tokens (expiry, max uses, spent only by a registration that
// succeeds); metadata refused naming the field; the registration policy of the apply file; the
// registration access token; openid-client's dynamicClientRegistration; registered clients marked
// in the admin API and the console.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { OPERATOR } from '../../src/admin/actor.js';
import { applyDocument } from '../../src/admin/apply.js';
import { createRegistrationToken } from '../../src/admin/registration.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { BrowserAgent, pkcePair } from '../helpers/browser-http.js';
import { basic, bearer, form, freePort, PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';

const LOOPBACK_CB = 'http://127.0.0.1:8765/callback';

function register(gh: Running, body: unknown, token?: string, path = '/oauth/register') {
  return request(`${gh.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) },
    body: JSON.stringify(body),
  });
}

const mint = async (gh: Running, input: { expiresIn?: number; maxUses?: number } = {}) => (await createRegistrationToken(gh.admin, input, OPERATOR)).token;

describe('GATEHOUSE_REGISTRATION=token', () => {
  let gh: Running;
  before(async () => {
    const port = await freePort();
    gh = await startGatehouse({
      port,
      world: ADMIN_WORLD,
      config: { issuer: `http://127.0.0.1:${port}`, audience: `http://127.0.0.1:${port}`, registration: 'token' },
    });
  });
  after(() => gh.close());

  test('discovery lists the registration endpoint', async () => {
    const { body } = await request(`${gh.url}/.well-known/oauth-authorization-server`);
    assert.equal(body.registration_endpoint, `${gh.config.issuer}/oauth/register`);
  });

  test('without an initial access token, or with a wrong one: 401 invalid_token', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const answer = await register(gh, { redirect_uris: [LOOPBACK_CB] }, token);
      assert.equal(answer.status, 401, answer.text);
      assert.equal(answer.body.error, 'invalid_token');
      assert.match(answer.headers.get('www-authenticate')!, /^Bearer .*error="invalid_token"/);
    }
  });

  test('a public client registers; the token is spent; management with the registration access token', async () => {
    const token = await mint(gh, { maxUses: 1 });
    const answer = await register(gh, { redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'none', client_name: 'Agent', scope: 'openid email' }, token);
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const reg = answer.body;
    assert.match(reg.client_id, /^dyn_/);
    assert.equal(reg.client_secret, undefined);
    assert.deepEqual(reg.redirect_uris, [LOOPBACK_CB]);
    assert.deepEqual(reg.grant_types, ['authorization_code']);
    assert.deepEqual(reg.response_types, ['code']);
    assert.equal(reg.scope, 'openid email');
    assert.equal(reg.client_name, 'Agent');
    assert.equal(reg.registration_client_uri, `${gh.config.issuer}/oauth/register/${reg.client_id}`);
    const stored = await gh.store.clients.get(reg.client_id);
    assert.equal(stored?.label, 'Agent');
    assert.equal(stored?.automaticAuthorization, false);
    assert.equal(stored?.pkce, true);

    const again = await register(gh, { redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'none' }, token);
    assert.equal(again.status, 401, 'max uses 1: spent');

    const uri = `/oauth/register/${reg.client_id}`;
    const read = await request(`${gh.url}${uri}`, { headers: bearer(reg.registration_access_token) });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.client_name, 'Agent');
    for (const wrong of [bearer('wrong'), {}]) assert.equal((await request(`${gh.url}${uri}`, { headers: wrong })).status, 401);
    assert.equal((await request(`${gh.url}/oauth/register/dyn_unknown`, { headers: bearer(reg.registration_access_token) })).status, 401);

    const put = await request(`${gh.url}${uri}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(reg.registration_access_token) },
      body: JSON.stringify({ ...reg, client_name: 'Agent 2', redirect_uris: ['https://agent.example/cb'] }),
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.client_name, 'Agent 2');
    assert.deepEqual((await gh.store.clients.get(reg.client_id))?.redirectUris, ['https://agent.example/cb']);
    const toConfidential = await request(`${gh.url}${uri}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(reg.registration_access_token) },
      body: JSON.stringify({ redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'client_secret_basic' }),
    });
    assert.equal(toConfidential.status, 400);
    assert.equal(toConfidential.body.error, 'invalid_client_metadata');
    const otherId = await request(`${gh.url}${uri}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...bearer(reg.registration_access_token) },
      body: JSON.stringify({ client_id: 'spa', redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'none' }),
    });
    assert.equal(otherId.status, 400);

    const removed = await request(`${gh.url}${uri}`, { method: 'DELETE', headers: bearer(reg.registration_access_token) });
    assert.equal(removed.status, 204);
    assert.equal(await gh.store.clients.get(reg.client_id), null);
    assert.equal((await request(`${gh.url}${uri}`, { headers: bearer(reg.registration_access_token) })).status, 401);
  });

  test('a confidential client gets a secret that authenticates it', async () => {
    const answer = await register(gh, { redirect_uris: ['https://rp.example/cb'] }, await mint(gh));
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.body.token_endpoint_auth_method, 'client_secret_basic');
    assert.ok(answer.body.client_secret.length >= 43);
    assert.equal(answer.body.client_secret_expires_at, 0);
    const introspect = await form(`${gh.url}/oauth/introspect`, { token: 'x' }, { authorization: basic(answer.body.client_id, answer.body.client_secret) });
    assert.equal(introspect.status, 200, introspect.text);
  });

  test('an expired initial access token: 401', async () => {
    const token = await mint(gh, { expiresIn: 60 });
    gh.clock.advance(61);
    assert.equal((await register(gh, { redirect_uris: [LOOPBACK_CB] }, token)).status, 401);
  });

  test('refused metadata names the field, and spends no use of the token', async () => {
    const token = await mint(gh, { maxUses: 1 });
    const cases: [unknown, string, RegExp][] = [
      [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri', /^redirect_uris: /],
      [{ redirect_uris: ['https://rp.example/cb#frag'] }, 'invalid_redirect_uri', /fragment/],
      [{ redirect_uris: ['http://rp.example/cb'] }, 'invalid_redirect_uri', /^redirect_uris: /],
      [{ redirect_uris: ['com.example.app:/cb'] }, 'invalid_redirect_uri', /not allowed/],
      [{ redirect_uris: 'https://rp.example/cb' }, 'invalid_redirect_uri', /list of strings/],
      [{}, 'invalid_redirect_uri', /needs at least one redirect URI/],
      [{ redirect_uris: [LOOPBACK_CB], grant_types: ['implicit'] }, 'invalid_client_metadata', /^grant_types: "implicit"/],
      [{ redirect_uris: [LOOPBACK_CB], grant_types: ['client_credentials'] }, 'invalid_client_metadata', /^grant_types: .*registration policy/],
      [{ redirect_uris: [LOOPBACK_CB], scope: 'no-such-scope' }, 'invalid_client_metadata', /^scope: /],
      [{ redirect_uris: [LOOPBACK_CB], scope: 'openid profile:read' }, 'invalid_client_metadata', /^scope: "profile:read"/],
      [{ redirect_uris: [LOOPBACK_CB], response_types: ['token'] }, 'invalid_client_metadata', /^response_types: /],
      [{ redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata', /^token_endpoint_auth_method: /],
      [{ redirect_uris: [LOOPBACK_CB], client_uri: 'javascript:alert(1)' }, 'invalid_client_metadata', /^client_uri: /],
      [{ redirect_uris: [LOOPBACK_CB], contacts: 'me' }, 'invalid_client_metadata', /^contacts: /],
      [[LOOPBACK_CB], 'invalid_client_metadata', /JSON object/],
    ];
    for (const [body, error, description] of cases) {
      const answer = await register(gh, body, token);
      assert.equal(answer.status, 400, JSON.stringify(body) + answer.text);
      assert.equal(answer.body.error, error, JSON.stringify(body));
      assert.match(answer.body.error_description, description, JSON.stringify(body));
    }
    const form415 = await request(`${gh.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'text/plain', ...bearer(token) }, body: 'x' });
    assert.ok(form415.status >= 400 && form415.status < 500);
    assert.equal((await register(gh, { redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'none' }, token)).status, 201, 'still usable');
  });

  test('the apply file’s registrationPolicy decides what may be registered; lifetime ends the client', async () => {
    await applyDocument(gh.admin, {
      registrationPolicy: {
        scopes: ['openid', 'profile:read'],
        grantTypes: ['authorization_code', 'refresh_token', 'device_code'],
        redirectUriSchemes: ['https', 'com.example.app'],
        clientLifetimeDays: 30,
      },
    });
    try {
      const token = await mint(gh);
      const native = await register(gh, { redirect_uris: ['com.example.app:/cb'], token_endpoint_auth_method: 'none', scope: 'openid profile:read' }, token);
      assert.equal(native.status, 201, native.text);
      // an update keeps the policy's rules and the client's way of authenticating
      const put = await request(`${gh.url}/oauth/register/${native.body.client_id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...bearer(native.body.registration_access_token) },
        body: JSON.stringify({ redirect_uris: ['com.example.app:/other'], client_name: 'Native' }),
      });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.token_endpoint_auth_method, 'none');
      const loopback = await register(gh, { redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'none' }, token);
      assert.equal(loopback.body.error, 'invalid_redirect_uri');
      const device = await register(gh, { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], token_endpoint_auth_method: 'none' }, token);
      assert.equal(device.status, 201, device.text);
      assert.deepEqual(device.body.grant_types, ['urn:ietf:params:oauth:grant-type:device_code']);
      assert.deepEqual(device.body.response_types, []);

      gh.clock.advance(31 * 86_400);
      await gh.app.gatehouse.maintenance.run();
      assert.equal(await gh.store.clients.get(native.body.client_id), null, 'past clientLifetimeDays: deleted');
    } finally {
      await applyDocument(gh.admin, { registrationPolicy: {} });
    }
  });

  test('apply refuses a policy naming what cannot be: unknown scopes, grant types, schemes', async () => {
    for (const [policy, field] of [
      [{ scopes: ['nope'] }, /registrationPolicy\.scopes/],
      [{ grantTypes: ['password'] }, /registrationPolicy\.grantTypes/],
      [{ redirectUriSchemes: ['javascript'] }, /registrationPolicy\.redirectUriSchemes/],
      [{ clientLifetimeDays: 0 }, /registrationPolicy\.clientLifetimeDays/],
    ] as const) {
      await assert.rejects(applyDocument(gh.admin, { registrationPolicy: policy as never }), (error: Error & { field?: string }) => {
        assert.match(`${error.field} ${error.message}`, field);
        return true;
      });
    }
  });

  test('openid-client dynamicClientRegistration, then the device flow with the registered client', async () => {
    await applyDocument(gh.admin, { registrationPolicy: { grantTypes: ['authorization_code', 'device_code'], scopes: ['openid', 'profile'] } });
    try {
      const config = await oidc.dynamicClientRegistration(
        new URL(gh.config.issuer),
        {
          redirect_uris: [LOOPBACK_CB],
          grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
          token_endpoint_auth_method: 'none',
        },
        oidc.None(),
        { initialAccessToken: await mint(gh), execute: [oidc.allowInsecureRequests] },
      );
      const metadata = config.clientMetadata();
      assert.match(metadata.client_id, /^dyn_/);
      const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile' });
      assert.match(device.user_code, /^[A-Z]{4}-[A-Z]{4}$/);
    } finally {
      await applyDocument(gh.admin, { registrationPolicy: {} });
    }
  });

  test('registered clients are marked in the admin API and the console, and their consent page says so', async () => {
    const answer = await register(gh, { redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'none', client_name: 'Marked' }, await mint(gh));
    const token = await adminToken(gh);
    const listed = await request(`${gh.url}/admin/api/v1/clients`, { headers: bearer(token) });
    assert.equal(listed.status, 200);
    const mine = listed.body.find((c: { clientId: string }) => c.clientId === answer.body.client_id);
    assert.equal(mine.registered, true);
    assert.equal(listed.body.find((c: { clientId: string }) => c.clientId === 'spa').registered, false);

    const agent = new BrowserAgent(gh.url);
    await agent.login('alice', PASSWORD);
    const consent = await agent.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: answer.body.client_id, redirect_uri: LOOPBACK_CB, scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })}`,
    );
    assert.equal(consent.status, 200, consent.text.slice(0, 300));
    assert.match(consent.text, /Marked wants to access your account/);
    assert.match(consent.text, /registered itself: its name has not been checked by an administrator/);

    const operator = new BrowserAgent(gh.url);
    await operator.login('root', PASSWORD, '/admin/clients');
    const list = await operator.get('/admin/clients');
    assert.equal(list.status, 200, list.text.slice(0, 300));
    assert.match(list.text, new RegExp(`${answer.body.client_id}</code> <span class="muted">\\(registered by the client\\)`));
    assert.doesNotMatch(list.text, /spa<\/code> <span class="muted">\(registered/);
  });
});

describe('GATEHOUSE_REGISTRATION=open and off', () => {
  let open: Running;
  let off: Running;
  before(async () => {
    open = await startGatehouse({ config: { registration: 'open' } });
    off = await startGatehouse();
  });
  after(async () => {
    await open.close();
    await off.close();
  });

  test('open: a public client with loopback or https redirect URIs registers without a token', async () => {
    const answer = await register(open, { redirect_uris: [LOOPBACK_CB, 'https://agent.example/cb'] });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.body.token_endpoint_auth_method, 'none');
    assert.equal(answer.body.client_secret, undefined);
  });

  test('open: a confidential client needs an initial access token', async () => {
    const refused = await register(open, { redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'client_secret_basic' });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_client_metadata');
    assert.match(refused.body.error_description, /^token_endpoint_auth_method: /);
    const allowed = await register(open, { redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'client_secret_basic' }, await mint(open));
    assert.equal(allowed.status, 201, allowed.text);
    assert.ok(allowed.body.client_secret);
  });

  test('off: 404, and discovery lists no registration endpoint', async () => {
    const answer = await register(off, { redirect_uris: [LOOPBACK_CB] });
    assert.equal(answer.status, 404);
    assert.match(answer.body.error_description, /GATEHOUSE_REGISTRATION/);
    const { body } = await request(`${off.url}/.well-known/openid-configuration`);
    assert.equal(body.registration_endpoint, undefined);
  });
});

describe('gatehouse registration-token create', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-registration-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[]) => {
    const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, ...rest } = process.env;
    const r = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'main.js'), 'registration-token', 'create', ...args], {
      env: { ...rest, DATABASE_URL: `sqlite:${join(dir, 'g.db')}`, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  test('--json prints {"token": …}; the token registers a client on a server over the same database', async () => {
    const r = cli(['--max-uses', '2', '--expires-in', '3600', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const { token } = JSON.parse(r.stdout);
    assert.ok(token.length >= 43);
    const plain = cli([]);
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, /shown once; no expiry, any number of uses/);
    const gh = await startGatehouse({ databaseUrl: `sqlite:${join(dir, 'g.db')}`, world: null, config: { registration: 'token' } });
    try {
      assert.equal((await register(gh, { redirect_uris: [LOOPBACK_CB], token_endpoint_auth_method: 'none' }, token)).status, 201);
    } finally {
      await gh.close();
    }
  });

  test('wrong options: a usage error', () => {
    for (const args of [
      ['--max-uses', '0'],
      ['--expires-in', 'soon'],
    ]) {
      const r = cli(args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /must be a whole number/);
    }
  });
});
