// test-engines: both
// The authorization-code flow through HTTP: request validation, login, consent, code exchange
// with PKCE, OIDC id token and userinfo, and the attacks of RFC 9700 §4 that apply here.
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { after, before, describe, test } from 'node:test';
import { authorizePath, codeFor as codeForOn, exchangeCode, redirectParams, SPA_CB, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, hiddenField, hiddenFields, pkcePair } from '../helpers/browser-http.js';
import { basic, bearer, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse();
});
after(() => gh.close());

const codeFor = (agent: BrowserAgent, fields: Record<string, string>, user = 'alice') => codeForOn(gh, agent, fields, user);
const exchange = (code: string, verifier: string | undefined, extra: Record<string, string> = {}) => exchangeCode(gh, code, verifier, extra);

describe('requests that must never redirect', () => {
  test('unknown client, missing client_id, unregistered or repeated redirect URI: an error page', async () => {
    const agent = new BrowserAgent(gh.url);
    const { challenge } = pkcePair();
    for (const fields of [
      { ...spaRequest(challenge), client_id: 'nope' },
      { ...spaRequest(challenge), client_id: '' },
      { ...spaRequest(challenge), redirect_uri: 'https://evil.example/callback' },
      { ...spaRequest(challenge), redirect_uri: 'http://127.0.0.1:5173/callback/../evil' },
      { ...spaRequest(challenge), redirect_uri: 'http://localhost:5173/callback' },
      { ...spaRequest(challenge), redirect_uri: 'https://127.0.0.1:5173/callback' },
    ]) {
      const page = await agent.get(authorizePath(fields));
      assert.equal(page.status, 400, JSON.stringify(fields));
      assert.equal(page.location, null);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    }
    const repeated = await agent.get(`/oauth/authorize?client_id=spa&redirect_uri=${encodeURIComponent(SPA_CB)}&redirect_uri=https://evil.example`);
    assert.equal(repeated.status, 400);
  });

  test('http loopback redirect URIs may change port (RFC 8252 §7.3)', async () => {
    const agent = new BrowserAgent(gh.url);
    const page = await agent.get(authorizePath({ ...spaRequest(pkcePair().challenge), redirect_uri: 'http://127.0.0.1:49152/callback', prompt: 'none' }));
    assert.equal(page.status, 302);
    assert.ok(page.location!.startsWith('http://127.0.0.1:49152/callback?'), page.location!);
  });

  test('pages forbid framing and inline script', async () => {
    const page = await new BrowserAgent(gh.url).get('/user/login');
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.doesNotMatch(page.headers.get('content-security-policy')!, /unsafe-inline/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.text, /<label for="edit-name">Username<\/label>/);
    assert.match(page.text, /<label for="edit-pass">Password<\/label>/);
    assert.match(page.text, /<button type="submit">Log in<\/button>/);
  });
});

describe('errors sent back to the client, with state and iss', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['response_type missing', { response_type: '' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['PKCE missing for a public client', { code_challenge: '', code_challenge_method: '' }, 'invalid_request'],
    ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['PKCE method absent (defaults to plain)', { code_challenge_method: '' }, 'invalid_request'],
    ['challenge of the wrong length', { code_challenge: 'abc' }, 'invalid_request'],
    ['unknown scope', { scope: 'openid nope' }, 'invalid_scope'],
    ['scope not allowed for the client', { scope: 'users:admin' }, 'invalid_scope'],
    ['scope that does not allow this grant', { scope: 'cc-only' }, 'invalid_scope'],
    ['unknown prompt', { prompt: 'bogus' }, 'invalid_request'],
    ['prompt none with another', { prompt: 'none login' }, 'invalid_request'],
    ['max_age not a number', { max_age: '-5' }, 'invalid_request'],
    ['response_mode fragment', { response_mode: 'fragment' }, 'invalid_request'],
    ['request objects', { request: 'eyJ...' }, 'request_not_supported'],
  ];
  for (const [name, change, error] of cases) {
    test(name, async () => {
      const fields = Object.fromEntries(Object.entries({ ...spaRequest(pkcePair().challenge), ...change }).filter(([, v]) => v !== ''));
      const params = redirectParams(await new BrowserAgent(gh.url).get(authorizePath(fields)));
      assert.equal(params.get('error'), error);
      assert.ok(params.get('error_description'));
      assert.equal(params.get('state'), 'st-123');
      assert.equal(params.get('iss'), gh.config.issuer);
      assert.equal(params.get('code'), null);
    });
  }

  test('a repeated parameter other than client_id and redirect_uri', async () => {
    const path = authorizePath(spaRequest(pkcePair().challenge)) + '&scope=openid';
    assert.equal(redirectParams(await new BrowserAgent(gh.url).get(path)).get('error'), 'invalid_request');
  });

  test('a client without the authorization_code grant: unauthorized_client', async () => {
    const params = redirectParams(
      await new BrowserAgent(gh.url).get(authorizePath({ response_type: 'code', client_id: 'script', redirect_uri: 'https://script.example/cb', state: 'x' })),
    );
    assert.equal(params.get('error'), 'unauthorized_client');
    assert.equal(params.get('state'), 'x');
  });
});

describe('login, consent and code exchange', () => {
  test('the whole flow: login page, consent page, code, tokens, id token, userinfo', async () => {
    const agent = new BrowserAgent(gh.url);
    const { verifier, challenge } = pkcePair();
    const first = await agent.get(authorizePath(spaRequest(challenge)));
    assert.equal(first.status, 302);
    assert.match(first.location!, /^\/user\/login\?destination=%2Foauth%2Fauthorize%3F/);
    const destination = new URL(first.location!, gh.url).searchParams.get('destination')!;
    const loginForm = await agent.get(first.location!);
    assert.equal(loginForm.status, 200);
    assert.equal(hiddenField(loginForm.text, 'destination'), destination);

    const badPassword = await agent.post('/user/login', {
      name: 'alice',
      pass: 'wrong-password',
      destination,
      csrf_token: hiddenField(loginForm.text, 'csrf_token')!,
    });
    assert.equal(badPassword.status, 401);
    assert.match(badPassword.text, /Unrecognized username or password/);

    const loggedIn = await agent.post('/user/login', { name: 'alice', pass: PASSWORD, destination, csrf_token: hiddenField(loginForm.text, 'csrf_token')! });
    assert.equal(loggedIn.status, 303);
    assert.equal(loggedIn.location, destination);
    const session = agent.cookies.get('gh_session');
    assert.ok(session);

    const consent = await agent.get(loggedIn.location!);
    assert.equal(consent.status, 200);
    for (const text of [
      'React app',
      'The team calendar',
      'Read user profiles',
      'Sign you in with your account',
      'See your e-mail address',
      '>Allow<',
      '>Deny<',
    ])
      assert.ok(consent.text.includes(text), text);

    const allowed = await agent.post('/oauth/authorize', { ...hiddenFields(consent.text), decision: 'allow' });
    const params = redirectParams(allowed);
    assert.ok(allowed.location!.startsWith(SPA_CB + '?'));
    assert.equal(params.get('state'), 'st-123');
    assert.equal(params.get('iss'), gh.config.issuer);
    const code = params.get('code')!;
    assert.ok(code.length >= 43);

    const tokens = await exchange(code, verifier);
    assert.equal(tokens.status, 200, tokens.text);
    assert.equal(tokens.body.token_type, 'Bearer');
    assert.equal(tokens.body.scope, 'openid profile email profile:read');
    assert.ok(tokens.body.refresh_token);
    const jwks = createLocalJWKSet((await request(`${gh.url}/oauth/jwks`)).body);
    const { payload, protectedHeader } = await jwtVerify(tokens.body.id_token, jwks, {
      issuer: gh.config.issuer,
      audience: 'spa',
      currentDate: new Date(gh.clock.now()),
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.ok(protectedHeader.kid);
    assert.equal(payload.nonce, 'n-456');
    assert.equal(payload.sub, String((await gh.store.users.findByName('alice'))!.uid));
    assert.equal(typeof payload.auth_time, 'number');
    const { createHash } = await import('node:crypto');
    assert.equal(payload.at_hash, createHash('sha256').update(tokens.body.access_token).digest().subarray(0, 16).toString('base64url'));

    const info = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(tokens.body.access_token) });
    assert.equal(info.status, 200, info.text);
    assert.equal(info.body.sub, payload.sub);
    assert.equal(info.body.preferred_username, 'alice');
    assert.equal(info.body.email, 'alice@example.com');
    assert.equal(info.body.email_verified, false);
    const viaPost = await request(`${gh.url}/oauth/userinfo`, { method: 'POST', headers: bearer(tokens.body.access_token) });
    assert.equal(viaPost.status, 200);

    // the user's resource works with the same token
    const me = await request(`${gh.url}/user/${payload.sub}?_format=json`, { headers: bearer(tokens.body.access_token) });
    assert.equal(me.status, 200);
  });

  test('Deny sends access_denied', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('bob', PASSWORD);
    const consent = await agent.get(authorizePath(spaRequest(pkcePair().challenge)));
    assert.equal(consent.status, 200);
    const params = redirectParams(await agent.post('/oauth/authorize', { ...hiddenFields(consent.text), decision: 'deny' }));
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('state'), 'st-123');
    assert.equal(params.get('code'), null);
  });

  test('CSRF: a forged or missing token on consent, login and logout is refused', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('bob', PASSWORD);
    const consent = await agent.get(authorizePath(spaRequest(pkcePair().challenge)));
    const fields = hiddenFields(consent.text);
    assert.equal((await agent.post('/oauth/authorize', { ...fields, csrf_token: 'forged', decision: 'allow' })).status, 403);
    const { csrf_token: _t, ...withoutToken } = fields;
    assert.equal((await agent.post('/oauth/authorize', { ...withoutToken, decision: 'allow' })).status, 403);
    // a page of another site posts the form with its own browser's token: it does not match this browser
    const attacker = new BrowserAgent(gh.url);
    const attackerForm = await attacker.get('/user/login');
    assert.equal(
      (await agent.post('/oauth/authorize', { ...fields, csrf_token: hiddenField(attackerForm.text, 'csrf_token')!, decision: 'allow' })).status,
      403,
    );
    // login CSRF: logging a victim into the attacker's account needs the victim's token
    const victim = new BrowserAgent(gh.url);
    const forgedLogin = await victim.post('/user/login', {
      name: 'bob',
      pass: PASSWORD,
      destination: '/user/apps',
      csrf_token: hiddenField(attackerForm.text, 'csrf_token')!,
    });
    assert.equal(forgedLogin.status, 403);
    assert.equal(victim.cookies.get('gh_session'), undefined);
    assert.equal((await agent.post('/user/logout', { csrf_token: 'forged' })).status, 403);
    // a decision cannot ride on a GET
    assert.equal((await agent.get(authorizePath({ ...spaRequest(pkcePair().challenge), decision: 'allow' }))).status, 400);
  });

  test('a consent form tampered with (redirect URI, client) is validated again', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('bob', PASSWORD);
    const consent = await agent.get(authorizePath(spaRequest(pkcePair().challenge)));
    const fields = hiddenFields(consent.text);
    const evil = await agent.post('/oauth/authorize', { ...fields, redirect_uri: 'https://evil.example/cb', decision: 'allow' });
    assert.equal(evil.status, 400);
    assert.equal(evil.location, null);
    const otherClient = await agent.post('/oauth/authorize', { ...fields, client_id: 'webapp', decision: 'allow' });
    assert.equal(otherClient.status, 400, 'webapp has not registered the spa redirect URI');
    const state = redirectParams(await agent.post('/oauth/authorize', { ...fields, state: 'changed', decision: 'deny' }));
    assert.equal(state.get('state'), 'changed', "state is the client's to check; it is returned as sent");
  });

  test('remember_approval skips consent when every scope was approved; a new scope asks again', async () => {
    const agent = new BrowserAgent(gh.url);
    await codeFor(agent, spaRequest(pkcePair().challenge, { scope: 'openid profile:read' }), 'root');
    const again = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { scope: 'openid profile:read' })));
    assert.equal(again.status, 302, 'no consent page the second time');
    assert.ok(new URL(again.location!).searchParams.get('code'));
    const wider = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { scope: 'openid profile:read mail:read' })));
    assert.equal(wider.status, 200);
    assert.match(wider.text, /Read e-mail addresses/);
    const forced = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { scope: 'openid profile:read', prompt: 'consent' })));
    assert.equal(forced.status, 200, 'prompt=consent always asks');
  });

  test('automatic_authorization skips consent; a confidential client without PKCE', async () => {
    const agent = new BrowserAgent(gh.url);
    const code = await codeFor(agent, {
      response_type: 'code',
      client_id: 'webapp',
      redirect_uri: 'https://rp.example/cb',
      scope: 'openid profile',
      state: 's',
    });
    const tokens = await form(
      `${gh.url}/oauth/token`,
      { grant_type: 'authorization_code', code, redirect_uri: 'https://rp.example/cb' },
      { authorization: basic('webapp', SECRET) },
    );
    assert.equal(tokens.status, 200, tokens.text);
    assert.ok(tokens.body.id_token);
    assert.equal(tokens.body.refresh_token, undefined, 'webapp lacks the refresh_token grant');
  });

  test('prompt=none: login_required without a session, consent_required without approval', async () => {
    const anonymous = new BrowserAgent(gh.url);
    assert.equal(redirectParams(await anonymous.get(authorizePath(spaRequest(pkcePair().challenge, { prompt: 'none' })))).get('error'), 'login_required');
    const carol = new BrowserAgent(gh.url);
    await carol.login('bob', PASSWORD);
    const params = redirectParams(await carol.get(authorizePath(spaRequest(pkcePair().challenge, { prompt: 'none', scope: 'openid email' }))));
    assert.equal(params.get('error'), 'consent_required');
  });

  test('prompt=login and max_age force a new login', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('root', PASSWORD);
    const forced = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { prompt: 'login' })));
    assert.equal(forced.status, 302);
    assert.match(forced.location!, /^\/user\/login/);
    const destination = new URL(forced.location!, gh.url).searchParams.get('destination')!;
    assert.doesNotMatch(destination, /prompt=login/, 'no loop back to the login page');
    gh.clock.advance(120);
    try {
      const stale = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { max_age: '60' })));
      assert.match(stale.location!, /^\/user\/login/);
      const fresh = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { max_age: '600' })));
      assert.doesNotMatch(fresh.location ?? '', /^\/user\/login/);
    } finally {
      gh.clock.advance(-120);
    }
  });

  test('login_hint fills in the user name', async () => {
    const agent = new BrowserAgent(gh.url);
    const first = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { login_hint: 'bob' })));
    const page = await agent.get(first.location!);
    assert.match(page.text, /name="name"[^>]*value="bob"/);
  });

  test('response_mode=form_post: an auto-submitting form, its script allowed by nonce only', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('root', PASSWORD);
    await codeFor(agent, spaRequest(pkcePair().challenge), 'root');
    const page = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { response_mode: 'form_post' })));
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`<form method="post" action="${SPA_CB.replace(/[/.]/g, '\\$&')}"`));
    assert.ok(hiddenField(page.text, 'code'));
    assert.equal(hiddenField(page.text, 'state'), 'st-123');
    assert.equal(hiddenField(page.text, 'iss'), gh.config.issuer);
    const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers.get('content-security-policy')!)![1];
    assert.match(page.text, new RegExp(`<script nonce="${nonce}">`));
  });

  test('the login page will not redirect off-site', async () => {
    const agent = new BrowserAgent(gh.url);
    for (const destination of ['https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const done = await agent.login('bob', PASSWORD, destination);
      assert.equal(done.status, 303);
      assert.equal(done.location, '/user/apps', destination);
    }
  });
});

describe('code exchange attacks (RFC 9700 §4)', () => {
  async function freshCode(extra: Record<string, string> = {}): Promise<{ code: string; verifier: string }> {
    const agent = new BrowserAgent(gh.url);
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(agent, spaRequest(challenge, extra), 'root');
    return { code, verifier };
  }

  test('code replay: refused, and the tokens of the first exchange are revoked', async () => {
    const { code, verifier } = await freshCode();
    const first = await exchange(code, verifier);
    assert.equal(first.status, 200);
    const replay = await exchange(code, verifier);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    const info = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(first.body.access_token) });
    assert.equal(info.status, 401);
    const refresh = await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', client_id: 'spa', refresh_token: first.body.refresh_token });
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  test('code injection: another client, another redirect URI', async () => {
    const a = await freshCode();
    const other = await form(`${gh.url}/oauth/token`, {
      grant_type: 'authorization_code',
      client_id: 'mobile',
      code: a.code,
      redirect_uri: SPA_CB,
      code_verifier: a.verifier,
    });
    assert.equal(other.body.error, 'invalid_grant');
    const b = await freshCode();
    const wrongRedirect = await exchange(b.code, b.verifier, { redirect_uri: 'https://spa.example/callback' });
    assert.equal(wrongRedirect.body.error, 'invalid_grant');
    const c = await freshCode();
    const noRedirect = await form(`${gh.url}/oauth/token`, { grant_type: 'authorization_code', client_id: 'spa', code: c.code, code_verifier: c.verifier });
    assert.equal(noRedirect.body.error, 'invalid_grant', 'the request named a redirect_uri, so must the exchange');
  });

  test('PKCE: wrong verifier, missing verifier, malformed verifier; the code is spent either way', async () => {
    const a = await freshCode();
    assert.equal((await exchange(a.code, pkcePair().verifier)).body.error, 'invalid_grant');
    assert.equal((await exchange(a.code, a.verifier)).body.error, 'invalid_grant', 'spent before the verifier was checked');
    const b = await freshCode();
    assert.equal((await exchange(b.code, undefined)).body.error, 'invalid_grant');
    const c = await freshCode();
    for (const bad of ['short', 'x'.repeat(129), 'a'.repeat(42), 'ä'.repeat(50), 'a b'.repeat(20)]) {
      const res = await exchange(c.code, bad);
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_request', bad);
    }
    assert.equal((await exchange(c.code, c.verifier)).status, 200, 'a malformed verifier does not spend the code');
  });

  test('PKCE downgrade: a verifier for a code issued without a challenge is refused', async () => {
    const agent = new BrowserAgent(gh.url);
    const code = await codeFor(agent, { response_type: 'code', client_id: 'webapp', redirect_uri: 'https://rp.example/cb', scope: 'openid' });
    const res = await form(
      `${gh.url}/oauth/token`,
      { grant_type: 'authorization_code', code, redirect_uri: 'https://rp.example/cb', code_verifier: pkcePair().verifier },
      { authorization: basic('webapp', SECRET) },
    );
    assert.equal(res.body.error, 'invalid_grant');
  });

  test('codes expire after 60 seconds', async () => {
    const { code, verifier } = await freshCode();
    gh.clock.advance(61);
    try {
      assert.equal((await exchange(code, verifier)).body.error, 'invalid_grant');
    } finally {
      gh.clock.advance(-61);
    }
  });

  test('the seed recipes: verifiers of their shapes are accepted', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const shapes = {
      // PHP: rtrim(strtr(base64_encode(random_bytes(64)), '+/', '-_'), '=') → 86 characters
      php: randomBytes(64).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
      // JavaScript: base64url of 64 random bytes → 86 characters
      javascript: randomBytes(64).toString('base64url'),
      // bash, as intended (one line of `openssl rand -base64`, cut to 96): up to 96 characters
      bash96: randomBytes(72).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '').slice(0, 96),
      min43: randomBytes(32).toString('base64url'),
      max128: randomBytes(96).toString('base64url'),
    };
    for (const [recipe, verifier] of Object.entries(shapes)) {
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const agent = new BrowserAgent(gh.url);
      const code = await codeFor(agent, spaRequest(challenge), 'root');
      const res = await exchange(code, verifier);
      assert.equal(res.status, 200, `${recipe} (${verifier.length} chars): ${res.text}`);
    }
  });

  test('the bash recipe as it really runs (openssl wraps at 64 columns) gets an error that says so', async () => {
    const wrapped = 'A'.repeat(64) + '\n' + 'B'.repeat(22);
    const { createHash } = await import('node:crypto');
    const agent = new BrowserAgent(gh.url);
    const code = await codeFor(agent, spaRequest(createHash('sha256').update(wrapped).digest('base64url')), 'root');
    const res = await exchange(code, wrapped);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_request');
    assert.match(res.body.error_description, /line break/);
  });
});

describe('userinfo, discovery, apps and logout', () => {
  test('userinfo needs the openid scope', async () => {
    const { body } = await form(`${gh.url}/oauth/token`, {
      grant_type: 'client_credentials',
      client_id: 'backend',
      client_secret: SECRET,
      scope: 'profile:read',
    });
    const res = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(body.access_token) });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'INSUFFICIENT_SCOPE');
    assert.match(res.headers.get('www-authenticate')!, /error="insufficient_scope", scope="openid"/);
    assert.equal((await request(`${gh.url}/oauth/userinfo`)).status, 401);
  });

  test('discovery documents list what is supported', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const { body } = await request(gh.url + path);
      assert.equal(body.issuer, gh.config.issuer);
      assert.equal(body.authorization_endpoint, `${gh.config.issuer}/oauth/authorize`);
      assert.deepEqual(body.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(body.response_types_supported, ['code']);
      assert.equal(body.authorization_response_iss_parameter_supported, true);
      assert.ok(body.scopes_supported.includes('openid') && body.scopes_supported.includes('profile:read'));
      assert.equal(body.end_session_endpoint, `${gh.config.issuer}/oauth/logout`);
    }
  });

  test('/user/apps lists approved apps; revoking one kills its tokens', async () => {
    const agent = new BrowserAgent(gh.url);
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(agent, spaRequest(challenge), 'bob');
    const tokens = (await exchange(code, verifier)).body;
    const apps = await agent.get('/user/apps');
    assert.equal(apps.status, 200);
    assert.match(apps.text, /React app/);
    gh.clock.tick();
    const revoked = await agent.post('/user/apps/revoke', { client_id: 'spa', csrf_token: hiddenField(apps.text, 'csrf_token')! });
    assert.equal(revoked.status, 303);
    assert.equal((await request(`${gh.url}/oauth/userinfo`, { headers: bearer(tokens.access_token) })).status, 401);
    assert.equal(
      (await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', client_id: 'spa', refresh_token: tokens.refresh_token })).body.error,
      'invalid_grant',
    );
    assert.doesNotMatch((await agent.get('/user/apps')).text, /React app/);
    // consent is asked again next time
    assert.equal((await agent.get(authorizePath(spaRequest(pkcePair().challenge)))).status, 200);
  });

  test('RP-initiated logout with id_token_hint returns to a registered URI with state', async () => {
    const agent = new BrowserAgent(gh.url);
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(agent, spaRequest(challenge), 'root');
    const { id_token } = (await exchange(code, verifier)).body;
    const evil = await agent.get(`/oauth/logout?${new URLSearchParams({ id_token_hint: id_token, post_logout_redirect_uri: 'https://evil.example/' })}`);
    assert.equal(evil.status, 400);
    const out = await agent.get(
      `/oauth/logout?${new URLSearchParams({ id_token_hint: id_token, post_logout_redirect_uri: 'https://spa.example/logged-out', state: 'bye' })}`,
    );
    assert.equal(out.status, 302);
    assert.equal(out.location, 'https://spa.example/logged-out?state=bye');
    assert.equal(agent.cookies.get('gh_session'), undefined);
    const after = await agent.get(authorizePath(spaRequest(pkcePair().challenge)));
    assert.match(after.location!, /^\/user\/login/);
  });

  test('logout without a hint asks first', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('bob', PASSWORD);
    const ask = await agent.get('/oauth/logout');
    assert.equal(ask.status, 200);
    assert.match(ask.text, /Log out\?/);
    const done = await agent.post('/user/logout', hiddenFields(ask.text));
    assert.equal(done.status, 200);
    assert.match(done.text, /You have been logged out/);
    assert.match((await agent.get('/user/apps')).location!, /^\/user\/login/);
  });
});
