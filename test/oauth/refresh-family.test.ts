// test-engines: both
// A refresh-token family keeps no more than its client and user still have, and does not live
// for ever (issue 10, finding 9): on refresh, scopes = granted ∩ the client's current scopes ∩
// what the user still holds; a family ends `refreshFamilyLifetime` after it started.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { codeFor, exchangeCode, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, hiddenField, pkcePair } from '../helpers/browser-http.js';
import { basic, bearer, decodeJwt, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

const API = '/admin/api/v1';
const DAY = 86_400;

function harness() {
  const h = {
    gh: null as unknown as Running,
    admin: '',
    call(method: string, path: string, body?: unknown) {
      return request(`${h.gh.url}${API}${path}`, {
        method,
        headers: { ...bearer(h.admin), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    password(scope: string, client = 'backend', user = 'alice') {
      return form(`${h.gh.url}/oauth/token`, { grant_type: 'password', username: user, password: PASSWORD, scope }, { authorization: basic(client, SECRET) });
    },
    refresh(refreshToken: string, extra: Record<string, string> = {}, client = 'backend') {
      return form(`${h.gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, { authorization: basic(client, SECRET) });
    },
  };
  before(async () => {
    h.gh = await startGatehouse({ world: ADMIN_WORLD });
    h.admin = await adminToken(h.gh);
  });
  after(() => h.gh.close());
  return h;
}

describe('scopes on refresh: what was granted, the client still has, and the user still holds', () => {
  const h = harness();

  test('a scope taken from the client is dropped; asking for it by name is invalid_scope', async () => {
    const first = await h.password('profile:read mail:read');
    assert.equal(first.body.scope, 'profile:read mail:read');
    const backend = (await h.call('GET', '/clients/backend')).body;
    const patched = await h.call('PATCH', '/clients/backend', { scopes: backend.scopes.filter((s: string) => s !== 'mail:read') });
    assert.equal(patched.status, 200, patched.text);
    try {
      const asked = await h.refresh(first.body.refresh_token, { scope: 'profile:read mail:read' });
      assert.equal(asked.status, 400, asked.text);
      assert.equal(asked.body.error, 'invalid_scope');
      assert.match(asked.body.hint, /mail:read is no longer available/);
      const second = await h.refresh(first.body.refresh_token);
      assert.equal(second.status, 200, second.text);
      assert.equal(second.body.scope, 'profile:read');
      assert.equal(decodeJwt(second.body.access_token).claims.scope, 'profile:read');
      // and it stays dropped: the family's grant itself shrank
      await h.call('PATCH', '/clients/backend', { scopes: backend.scopes });
      const third = await h.refresh(second.body.refresh_token);
      assert.equal(third.body.scope, 'profile:read', 'giving the scope back to the client does not widen an existing grant');
    } finally {
      await h.call('PATCH', '/clients/backend', { scopes: backend.scopes });
    }
  });

  test('a permission the user lost drops its scope; OIDC scopes stay while the client lists them', async () => {
    assert.equal((await h.call('PUT', '/roles/reader', { label: 'Reader', permissions: ['access user profiles', 'view user email addresses'] })).status, 200);
    assert.equal((await h.call('POST', '/users', { name: 'reader1', mail: 'reader1@example.com', password: PASSWORD, roles: ['reader'] })).status, 201);
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(h.gh, new BrowserAgent(h.gh.url), spaRequest(challenge, { scope: 'openid profile email profile:read mail:read' }), 'reader1');
    const first = await exchangeCode(h.gh, code, verifier);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.scope, 'openid profile email profile:read mail:read');
    const spaRefresh = (token: string) => form(`${h.gh.url}/oauth/token`, { grant_type: 'refresh_token', client_id: 'spa', refresh_token: token });

    assert.equal((await h.call('PUT', '/roles/reader', { label: 'Reader', permissions: ['access user profiles'] })).status, 200);
    const second = await spaRefresh(first.body.refresh_token);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.scope, 'openid profile email profile:read', 'mail:read went with the permission');

    const spa = (await h.call('GET', '/clients/spa')).body;
    assert.equal((await h.call('PATCH', '/clients/spa', { scopes: spa.scopes.filter((s: string) => s !== 'email') })).status, 200);
    try {
      const third = await spaRefresh(second.body.refresh_token);
      assert.equal(third.status, 200, third.text);
      assert.equal(third.body.scope, 'openid profile profile:read', 'an OIDC scope the client no longer lists goes too');
      const userinfo = await request(`${h.gh.url}/oauth/userinfo`, { headers: bearer(third.body.access_token) });
      assert.equal(userinfo.status, 200);
      assert.equal(userinfo.body.email, undefined);
      assert.equal(userinfo.body.preferred_username, 'reader1');
    } finally {
      await h.call('PATCH', '/clients/spa', { scopes: spa.scopes });
    }
  });
});

describe('a family has an absolute lifetime', () => {
  const h = harness();

  test('by default 30 days: refreshing every 10 days works until then, and then the user must authenticate again', async () => {
    const start = h.gh.clock.now();
    try {
      let current = (await h.password('profile:read')).body.refresh_token as string;
      for (const day of [10, 20, 29]) {
        h.gh.clock.set(start + day * DAY * 1000);
        const next = await h.refresh(current);
        assert.equal(next.status, 200, `day ${day}: ${next.text}`);
        current = next.body.refresh_token;
      }
      const last = await h.refresh(current, {}, 'backend');
      assert.equal(last.status, 200);
      const introspected = await form(`${h.gh.url}/oauth/introspect`, { token: last.body.refresh_token }, { authorization: basic('backend', SECRET) });
      assert.equal(introspected.body.exp, Math.floor(start / 1000) + 30 * DAY, 'the last token of the family expires with it');
      h.gh.clock.set(start + 30 * DAY * 1000);
      const ended = await h.refresh(last.body.refresh_token);
      assert.equal(ended.status, 400, ended.text);
      assert.equal(ended.body.error, 'invalid_grant');
      assert.match(ended.body.error_description, /must authenticate again/);
      // a new sign-in starts a new family
      assert.equal((await h.refresh((await h.password('profile:read')).body.refresh_token)).status, 200);
    } finally {
      h.gh.clock.set(start);
    }
  });

  test("a client's own lifetime, set through the admin API, applies to its families, even those already running", async () => {
    const created = await h.call('POST', '/clients', {
      clientId: 'script-rt',
      secret: SECRET,
      grantTypes: ['password', 'refresh_token'],
      scopes: ['profile:read'],
    });
    assert.equal(created.status, 201, created.text);
    const running = (await h.password('profile:read', 'script-rt')).body;
    assert.ok(running.refresh_token, JSON.stringify(running));
    const patched = await h.call('PATCH', '/clients/script-rt', { refreshFamilyLifetime: 120 });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.refreshFamilyLifetime, 120);
    const start = h.gh.clock.now();
    try {
      const fresh = (await h.password('profile:read', 'script-rt')).body;
      h.gh.clock.set(start + 60_000);
      const next = await h.refresh(fresh.refresh_token, {}, 'script-rt');
      assert.equal(next.status, 200, next.text);
      h.gh.clock.set(start + 120_000);
      for (const token of [next.body.refresh_token, running.refresh_token]) {
        const ended = await h.refresh(token, {}, 'script-rt');
        assert.equal(ended.body.error, 'invalid_grant', ended.text);
      }
    } finally {
      h.gh.clock.set(start);
    }
  });

  test('the field is checked in the admin API and the console, and shown there', async () => {
    for (const value of [0, -1, 1.5, 315_360_001, '30d']) {
      const res = await h.call('PATCH', '/clients/backend', { refreshFamilyLifetime: value });
      assert.equal(res.status, 400, `${value}: ${res.text}`);
      assert.equal(res.body.field, 'refreshFamilyLifetime');
    }
    assert.equal((await h.call('GET', '/clients/backend')).body.refreshFamilyLifetime, 2_592_000, 'the default');
    const openapi = await request(`${h.gh.url}/openapi.json`);
    assert.ok(openapi.body.components.schemas.ClientInput.properties.refreshFamilyLifetime, 'documented in the OpenAPI document');

    const console = new BrowserAgent(h.gh.url);
    assert.equal((await console.login('root', PASSWORD, '/admin')).status, 303);
    const page = await console.get('/admin/clients/backend');
    assert.match(page.text, /name="refreshFamilyLifetime"[^>]*value="2592000"|value="2592000"[^>]*name="refreshFamilyLifetime"/);
    const bad = await console.post('/admin/clients/backend', {
      csrf_token: hiddenField(page.text, 'csrf_token')!,
      status: '1',
      confidential: '1',
      grantTypes: 'password',
      refreshFamilyLifetime: 'a month',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="refreshFamilyLifetime-error" role="alert">[^<]*whole number/);
  });
});
