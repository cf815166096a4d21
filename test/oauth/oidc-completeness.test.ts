// test-engines: both
// OpenID Connect completeness (issue 14 part 6), through HTTP and openid-client v6: the `address`
// and `phone` scopes and every standard profile claim read from user fields (omitted when unset);
// scope claims at userinfo only once an access token is issued (OIDC Core §5.4); the `claims`
// request parameter (§5.5) for the ID token and userinfo; `acr`; the access token in a
// form-encoded body at userinfo (RFC 6750 §2.2) and nowhere else.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { ApplyDocument } from '../../src/admin/apply.js';
import { authorizePath, codeFor, exchangeCode, redirectParams, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, hiddenFields, pkcePair } from '../helpers/browser-http.js';
import { bearer, decodeJwt, form, freePort, PASSWORD, request, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';

const ADDRESS = { street_address: '1 Rue de la Paix', locality: 'Paris', postal_code: '75002', country: 'FR' };
const ALICE_FIELDS = {
  given_name: 'Alice',
  family_name: 'Liddell',
  nickname: 'Al',
  birthdate: '1852-05-04',
  website: 'https://alice.example',
  phone_number: '+33 1 23 45 67 89',
  phone_number_verified: true,
  address: ADDRESS,
  // ill-typed for its claim: omitted, never sent as it is
  gender: 42,
  department: 'Wonderland',
};

const world: ApplyDocument = {
  ...WORLD,
  users: WORLD.users!.map((u) => (u.name === 'alice' ? { ...u, fields: ALICE_FIELDS } : u)),
  clients: WORLD.clients!.map((c) => (c.clientId === 'spa' ? { ...c, scopes: [...(c.scopes ?? []), 'address', 'phone'] } : c)),
};

let gh: Running;
before(async () => {
  const port = await freePort();
  gh = await startGatehouse({ port, world, config: { issuer: `http://127.0.0.1:${port}`, audience: `http://127.0.0.1:${port}` } });
});
after(() => gh.close());

/** The whole code flow for alice over HTTP: the token response. */
async function tokensFor(extra: Record<string, string>): Promise<{ access_token: string; id_token: string; scope: string }> {
  const { verifier, challenge } = pkcePair();
  const code = await codeFor(gh, new BrowserAgent(gh.url), spaRequest(challenge, extra));
  const res = await exchangeCode(gh, code, verifier);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

async function userinfo(accessToken: string): Promise<Record<string, unknown>> {
  const res = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(accessToken) });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

describe('standard claims from user fields', () => {
  test('profile, email, address and phone at userinfo; unset and ill-typed fields omitted', async () => {
    const tokens = await tokensFor({ scope: 'openid profile email address phone' });
    const info = await userinfo(tokens.access_token);
    assert.equal(info.name, 'alice');
    assert.equal(info.given_name, 'Alice');
    assert.equal(info.family_name, 'Liddell');
    assert.equal(info.nickname, 'Al');
    assert.equal(info.birthdate, '1852-05-04');
    assert.equal(info.website, 'https://alice.example');
    assert.equal(info.email, 'alice@example.com');
    assert.equal(info.phone_number, '+33 1 23 45 67 89');
    assert.equal(info.phone_number_verified, true);
    assert.deepEqual(info.address, ADDRESS);
    for (const absent of ['middle_name', 'picture', 'gender', 'department']) assert.ok(!(absent in info), absent);
  });

  test('each scope releases only its claims', async () => {
    const info = await userinfo((await tokensFor({ scope: 'openid address' })).access_token);
    assert.deepEqual(Object.keys(info).sort(), ['address', 'sub']);
    const phone = await userinfo((await tokensFor({ scope: 'openid phone' })).access_token);
    assert.deepEqual(Object.keys(phone).sort(), ['phone_number', 'phone_number_verified', 'sub']);
  });

  test('the consent page names the address and phone scopes', async () => {
    const agent = new BrowserAgent(gh.url);
    const toLogin = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { scope: 'openid address phone', prompt: 'consent' })));
    const login = await agent.login('bob', PASSWORD, new URL(toLogin.location!, gh.url).searchParams.get('destination')!);
    const consent = await agent.get(login.location!);
    assert.match(consent.text, /See your postal address/);
    assert.match(consent.text, /See your phone number/);
  });
});

describe('ID token (OIDC Core §5.4, §5.5)', () => {
  test('issued with an access token: no scope claims in the ID token, only at userinfo; acr names the password login', async () => {
    const tokens = await tokensFor({ scope: 'openid profile email' });
    const { claims } = decodeJwt(tokens.id_token);
    for (const claim of ['email', 'name', 'preferred_username', 'given_name', 'locale']) assert.ok(!(claim in claims), claim);
    assert.equal(claims.acr, 'urn:gatehouse:acr:pwd');
    assert.equal(claims.nonce, 'n-456');
    const info = await userinfo(tokens.access_token);
    assert.equal(info.email, 'alice@example.com');
  });

  test('claims asked of the ID token by the claims parameter are in it (essential and voluntary), when their scope is granted', async () => {
    const claimsParam = JSON.stringify({
      id_token: { email: { essential: true }, given_name: null, address: { essential: false }, acr: { values: ['urn:gatehouse:acr:pwd'] } },
    });
    const tokens = await tokensFor({ scope: 'openid profile email address', claims: claimsParam, acr_values: 'urn:gatehouse:acr:pwd' });
    const { claims } = decodeJwt(tokens.id_token);
    assert.equal(claims.email, 'alice@example.com');
    assert.equal(claims.given_name, 'Alice');
    assert.deepEqual(claims.address, ADDRESS);
    assert.equal(claims.acr, 'urn:gatehouse:acr:pwd');
    assert.ok(!('family_name' in claims) && !('name' in claims), 'only what was asked for');
  });

  test('a claim the scopes do not cover adds its scope to the request, for the user to approve', async () => {
    const tokens = await tokensFor({ scope: 'openid', claims: JSON.stringify({ userinfo: { phone_number: { essential: true } }, id_token: { email: null } }) });
    assert.deepEqual(tokens.scope.split(' ').sort(), ['email', 'openid', 'phone']);
    assert.equal(decodeJwt(tokens.id_token).claims.email, 'alice@example.com');
    assert.equal((await userinfo(tokens.access_token)).phone_number, '+33 1 23 45 67 89');
    // a claim no scope covers, or one unknown, is ignored (§5.5: an essential claim may go unanswered)
    const other = await tokensFor({ scope: 'openid', claims: JSON.stringify({ userinfo: { department: { essential: true }, 'x-unknown': null } }) });
    assert.equal(other.scope, 'openid');
    assert.deepEqual(Object.keys(await userinfo(other.access_token)), ['sub']);
  });

  test('a malformed claims parameter goes back as invalid_request naming the problem', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('alice', PASSWORD);
    for (const [value, pattern] of [
      ['not json', /claims must be a JSON object/],
      ['[1]', /claims must be a JSON object/],
      ['{"id_token":[]}', /claims\.id_token must be an object/],
      ['{"userinfo":{"email":true}}', /claims\.userinfo\.email must be null or an object/],
      ['{"userinfo":{"email":{"essential":"yes"}}}', /essential must be true or false/],
      [`{"userinfo":{${Array.from({ length: 400 }, (_, i) => `"c${i}":null`).join(',')}}}`, /at most 4096 characters/],
    ] as const) {
      const params = redirectParams(await agent.get(authorizePath(spaRequest(pkcePair().challenge, { claims: value }))));
      assert.equal(params.get('error'), 'invalid_request', value);
      assert.match(params.get('error_description')!, pattern);
      assert.equal(params.get('state'), 'st-123');
    }
  });
});

describe('userinfo: the access token in a form-encoded body (RFC 6750 §2.2)', () => {
  test('POST with access_token in the body answers as the header does; both at once is 400 invalid_request', async () => {
    const { access_token } = await tokensFor({ scope: 'openid email' });
    const viaBody = await form(`${gh.url}/oauth/userinfo`, { access_token });
    assert.equal(viaBody.status, 200, viaBody.text);
    assert.equal(viaBody.body.email, 'alice@example.com');
    const both = await form(`${gh.url}/oauth/userinfo`, { access_token }, bearer(access_token));
    assert.equal(both.status, 400);
    assert.match(both.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
    const bad = await form(`${gh.url}/oauth/userinfo`, { access_token: 'not-a-token' });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    // JSON is not a form: the body is not read for a token
    const json = await request(`${gh.url}/oauth/userinfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token }),
    });
    assert.equal(json.status, 401);
    // a query string never carries a token (RFC 6750 §2.3 is not offered)
    assert.equal((await request(`${gh.url}/oauth/userinfo?access_token=${access_token}`)).status, 401);
  });

  test('other protected routes do not read a token from the body', async () => {
    const { access_token } = await tokensFor({ scope: 'openid email' });
    const res = await form(`${gh.url}/admin/api/v1/users`, { access_token });
    assert.ok(res.status === 400 || res.status === 401, `${res.status}`);
    assert.notEqual(res.body.error, 'INSUFFICIENT_SCOPE', 'the body token was not taken for a credential');
  });
});

describe('discovery and openid-client v6', () => {
  test('discovery lists the claims parameter, the new scopes and claims, and acr values', async () => {
    const meta = (await request(`${gh.url}/.well-known/openid-configuration`)).body;
    assert.equal(meta.claims_parameter_supported, true);
    assert.deepEqual(meta.acr_values_supported, ['urn:gatehouse:acr:pwd', 'urn:gatehouse:acr:mfa']);
    for (const scope of ['address', 'phone']) assert.ok(meta.scopes_supported.includes(scope), scope);
    for (const claim of [
      'given_name',
      'family_name',
      'middle_name',
      'nickname',
      'picture',
      'website',
      'gender',
      'birthdate',
      'phone_number',
      'phone_number_verified',
      'address',
      'acr',
      'amr',
    ])
      assert.ok(meta.claims_supported.includes(claim), claim);
  });

  test('openid-client: the claims parameter, the ID token, userinfo by header and by form body', async () => {
    const config = await oidc.discovery(new URL(gh.config.issuer), 'spa', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:5173/callback',
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      claims: JSON.stringify({ id_token: { given_name: { essential: true } }, userinfo: { address: null } }),
      acr_values: 'urn:gatehouse:acr:pwd',
    });
    const agent = new BrowserAgent(gh.url);
    const toLogin = await agent.get(url.pathname + url.search);
    const login = await agent.login('alice', PASSWORD, new URL(toLogin.location!, gh.url).searchParams.get('destination')!);
    let page = await agent.get(login.location!);
    if (page.status === 200) page = await agent.post('/oauth/authorize', { ...hiddenFields(page.text), decision: 'allow' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.location!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.given_name, 'Alice');
    assert.equal(claims.acr, 'urn:gatehouse:acr:pwd');
    assert.ok(!('name' in claims));
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.deepEqual(info.address, ADDRESS);
    assert.equal(info.given_name, 'Alice');
    // openid-client always sends the header too: with the body as well, that is two methods at once
    await assert.rejects(
      oidc.fetchProtectedResource(
        config,
        tokens.access_token,
        new URL(`${gh.config.issuer}/oauth/userinfo`),
        'POST',
        new URLSearchParams({ access_token: tokens.access_token }).toString(),
        new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      ),
      (error: { response?: Response; cause?: { parameters?: { error?: string } }[] }) =>
        error.response?.status === 400 && error.cause?.[0]?.parameters?.error === 'invalid_request',
    );
  });
});
