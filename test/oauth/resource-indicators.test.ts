// test-engines: both
// Resource indicators (RFC 8707, issue 14 part 3), with openid-client v6's `resource` parameter on
// the authorization-code and client-credentials flows: the access token's `aud` is the resource
// and its scopes those the resource accepts; a refresh keeps or names the granted resource, never
// another (`invalid_target`); relative, fragment-bearing and unregistered resources are
// `invalid_target`; introspection knows such tokens, Gatehouse's own API refuses them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { applyDocument, type ApplyDocument } from '../../src/admin/apply.js';
import { ADMIN_SCOPES, ADMIN_WORLD } from '../helpers/admin.js';
import { authorizePath, redirectParams, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, hiddenFields, pkcePair } from '../helpers/browser-http.js';
import { basic, bearer, decodeJwt, form, freePort, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

const API = 'https://api.example.com/';
const MAIL = 'https://mail.example.com/v1';

const world: ApplyDocument = {
  ...ADMIN_WORLD,
  resources: [
    { uri: API, scopes: ['profile:read', ...Object.keys(ADMIN_SCOPES)] },
    { uri: MAIL, scopes: ['mail:read'] },
  ],
};

let gh: Running;
let backend: oidc.Configuration;
let spa: oidc.Configuration;
before(async () => {
  const port = await freePort();
  gh = await startGatehouse({ port, world, config: { issuer: `http://127.0.0.1:${port}`, audience: `http://127.0.0.1:${port}` } });
  const insecure = { execute: [oidc.allowInsecureRequests] };
  backend = await oidc.discovery(new URL(gh.config.issuer), 'backend', SECRET, oidc.ClientSecretBasic(SECRET), insecure);
  spa = await oidc.discovery(new URL(gh.config.issuer), 'spa', undefined, oidc.None(), insecure);
});
after(() => gh.close());

/** The authorization-code flow for alice with openid-client, `resource` on the authorization request. */
async function codeFlow(authorizeResource: string | undefined, tokenResource?: string) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(spa, {
    redirect_uri: 'http://127.0.0.1:5173/callback',
    scope: 'openid profile:read mail:read',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(authorizeResource ? { resource: authorizeResource } : {}),
  });
  const agent = new BrowserAgent(gh.url);
  const toLogin = await agent.get(url.pathname + url.search);
  const login = await agent.login('alice', PASSWORD, new URL(toLogin.location!, gh.url).searchParams.get('destination')!);
  let page = await agent.get(login.location!);
  if (page.status === 200) page = await agent.post('/oauth/authorize', { ...hiddenFields(page.text), decision: 'allow' });
  return oidc.authorizationCodeGrant(
    spa,
    new URL(page.location!),
    { pkceCodeVerifier: verifier, expectedState: state },
    tokenResource ? { resource: tokenResource } : undefined,
  );
}

describe('client_credentials (openid-client)', () => {
  test('aud is the resource, the scopes those it accepts; introspection reports it active', async () => {
    const tokens = await oidc.clientCredentialsGrant(backend, { scope: 'profile:read mail:read', resource: API });
    const { claims } = decodeJwt(tokens.access_token);
    assert.equal(claims.aud, API);
    assert.equal(claims.scope, 'profile:read');
    assert.equal(tokens.scope, 'profile:read');
    const introspected = await form(`${gh.url}/oauth/introspect`, { token: tokens.access_token }, { authorization: basic('backend', SECRET) });
    assert.equal(introspected.body.active, true);
    assert.equal(introspected.body.aud, API);
    const mail = await oidc.clientCredentialsGrant(backend, { scope: 'profile:read mail:read', resource: MAIL });
    assert.equal(decodeJwt(mail.access_token).claims.aud, MAIL);
    assert.equal(mail.scope, 'mail:read');
  });

  test('without resource: today’s audience and scopes', async () => {
    const tokens = await oidc.clientCredentialsGrant(backend, { scope: 'profile:read mail:read' });
    assert.equal(decodeJwt(tokens.access_token).claims.aud, gh.config.audience);
    assert.equal(tokens.scope, 'profile:read mail:read');
  });

  test('relative, fragment-bearing or unregistered resources: 400 invalid_target naming it', async () => {
    for (const [resource, pattern] of [
      ['api/v1', /is not an absolute URI/],
      ['/v1', /is not an absolute URI/],
      [`${API}#frag`, /must not contain a fragment/],
      ['https://evil.example/', /The resource https:\/\/evil\.example\/ is not registered/],
      ['https://api.example.com', /is not registered/],
    ] as const) {
      const res = await form(
        `${gh.url}/oauth/token`,
        { grant_type: 'client_credentials', scope: 'profile:read', resource },
        { authorization: basic('backend', SECRET) },
      );
      assert.equal(res.status, 400, resource);
      assert.equal(res.body.error, 'invalid_target', resource);
      assert.match(res.body.error_description, pattern);
    }
    // miniOrange's endpoint refuses it in its own vocabulary
    const mo = await form(`${gh.url}/rest_api/access_token`, {
      grant_type: 'client_credentials',
      client_id: 'backend',
      client_secret: SECRET,
      resource: 'nope',
    });
    assert.equal(mo.status, 400);
    assert.equal(mo.body.status, 'error');
  });
});

describe('authorization code and refresh (openid-client)', () => {
  test('resource on the authorization request: aud and scopes follow it; the refresh keeps it, may name it, never another', async () => {
    const tokens = await codeFlow(MAIL);
    assert.equal(decodeJwt(tokens.access_token).claims.aud, MAIL);
    assert.equal(tokens.scope, 'mail:read');
    const kept = await oidc.refreshTokenGrant(spa, tokens.refresh_token!);
    assert.equal(decodeJwt(kept.access_token).claims.aud, MAIL);
    const named = await oidc.refreshTokenGrant(spa, kept.refresh_token!, { resource: MAIL });
    assert.equal(decodeJwt(named.access_token).claims.aud, MAIL);
    await assert.rejects(oidc.refreshTokenGrant(spa, named.refresh_token!, { resource: API }), (error: { error?: string }) => error.error === 'invalid_target');
  });

  test('resource at the token request when the authorization named none; another than authorized is invalid_target', async () => {
    const tokens = await codeFlow(undefined, API);
    assert.equal(decodeJwt(tokens.access_token).claims.aud, API);
    assert.equal(tokens.scope, 'profile:read');
    await assert.rejects(codeFlow(MAIL, API), (error: { error?: string }) => error.error === 'invalid_target');
    // a refresh of a grant for the default audience cannot turn to a resource
    const plain = await codeFlow(undefined);
    assert.equal(decodeJwt(plain.access_token).claims.aud, gh.config.audience);
    await assert.rejects(oidc.refreshTokenGrant(spa, plain.refresh_token!, { resource: API }), (error: { error?: string }) => error.error === 'invalid_target');
  });

  test('a bad resource on the authorization request goes back as invalid_target', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('alice', PASSWORD);
    for (const resource of ['relative/path', `${API}#x`, 'https://unknown.example/']) {
      const params = redirectParams(await agent.get(authorizePath(spaRequest(pkcePair().challenge, { resource }))));
      assert.equal(params.get('error'), 'invalid_target', resource);
      assert.equal(params.get('state'), 'st-123');
    }
  });
});

describe('Gatehouse’s own API', () => {
  test('accepts a token for its own audience, refuses one for a registered resource (its audience differs)', async () => {
    const ask = (resource?: string) =>
      form(`${gh.url}/oauth/token`, {
        grant_type: 'password',
        client_id: 'admin-tool',
        client_secret: SECRET,
        username: 'root',
        password: PASSWORD,
        scope: 'admin:users',
        ...(resource ? { resource } : {}),
      });
    const own = (await ask()).body.access_token;
    assert.equal((await request(`${gh.url}/admin/api/v1/users`, { headers: bearer(own) })).status, 200);
    const forApi = await ask(API);
    assert.equal(forApi.status, 200, forApi.text);
    assert.equal(decodeJwt(forApi.body.access_token).claims.aud, API);
    const refused = await request(`${gh.url}/admin/api/v1/users`, { headers: bearer(forApi.body.access_token) });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    // introspected first (and so remembered as verified), it is still refused here
    await form(`${gh.url}/oauth/introspect`, { token: forApi.body.access_token }, { authorization: basic('backend', SECRET) });
    assert.equal((await request(`${gh.url}/admin/api/v1/users`, { headers: bearer(forApi.body.access_token) })).status, 401);
  });
});

describe('apply', () => {
  test('resources are refused by path: relative, fragment, unknown scope', async () => {
    for (const [item, pattern] of [
      [{ uri: 'api/v1', scopes: [] }, /resources\[0\]\.uri: "api\/v1" is not an absolute URI/],
      [{ uri: `${API}#x`, scopes: [] }, /resources\[0\]\.uri: .* must not contain a fragment/],
      [{ uri: API, scopes: ['nope'] }, /resources\[0\]\.scopes: no scope "nope" exists/],
    ] as const) {
      await assert.rejects(applyDocument(gh.admin, { resources: [item as never] }), pattern);
    }
    const report = await applyDocument(gh.admin, { resources: world.resources });
    assert.deepEqual(report.resources, { [API]: 'unchanged', [MAIL]: 'unchanged' });
  });
});
