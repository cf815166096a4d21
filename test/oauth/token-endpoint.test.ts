// test-engines: both
// POST /oauth/token through HTTP: client authentication, the three grants, RFC 6749 errors
// (docs/compatibility.md §3).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, decodeJwt, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let token: string;
before(async () => {
  gh = await startGatehouse();
  token = `${gh.url}/oauth/token`;
});
after(() => gh.close());

function assertOAuthError(res: { status: number; body: any; headers: Headers }, status: number, error: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error, error);
  assert.equal(typeof res.body.error_description, 'string');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('pragma'), 'no-cache');
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
}

describe('client_credentials', () => {
  test('issues an RFC 9068 access token acting as the default user (secret in body)', async () => {
    const res = await form(token, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET, scope: 'profile:read' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 300);
    assert.equal(res.body.scope, 'profile:read');
    assert.equal(res.body.refresh_token, undefined, 'RFC 6749 §4.4.3: no refresh token');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const { header, claims } = decodeJwt(res.body.access_token);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ']);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(header.alg, 'ES256');
    const alice = await gh.store.users.findByName('alice');
    assert.equal(claims.sub, String(alice!.uid));
    assert.equal(claims.client_id, 'backend');
    assert.equal(claims.iss, gh.config.issuer);
    assert.equal(claims.aud, gh.config.audience);
    assert.equal(claims.scope, 'profile:read');
    assert.equal(claims.exp - claims.iat, 300);
    for (const c of ['nbf', 'jti']) assert.ok(claims[c], c);
  });

  test('HTTP Basic works, with url-encoded credentials', async () => {
    const res = await form(token, { grant_type: 'client_credentials' }, { authorization: basic('backend', SECRET) });
    assert.equal(res.status, 200, res.text);
    // no scope asked: the client's default scopes usable with this grant
    assert.ok(res.body.scope.split(' ').includes('cc-only'));
  });

  test('wrong secret: invalid_client 401, with a Basic challenge only when Basic was used', async () => {
    const body = await form(token, { grant_type: 'client_credentials', client_id: 'backend', client_secret: 'x'.repeat(43) });
    assertOAuthError(body, 401, 'invalid_client');
    assert.equal(body.headers.get('www-authenticate'), null);
    const viaBasic = await form(token, { grant_type: 'client_credentials' }, { authorization: basic('backend', 'wrong') });
    assertOAuthError(viaBasic, 401, 'invalid_client');
    assert.equal(viaBasic.headers.get('www-authenticate'), 'Basic realm="gatehouse"');
  });

  test('unknown client and missing secret: invalid_client', async () => {
    assertOAuthError(await form(token, { grant_type: 'client_credentials', client_id: 'nobody', client_secret: SECRET }), 401, 'invalid_client');
    assertOAuthError(await form(token, { grant_type: 'client_credentials', client_id: 'backend' }), 401, 'invalid_client');
  });

  test('no client_id at all: invalid_request', async () => {
    assertOAuthError(await form(token, { grant_type: 'client_credentials' }), 400, 'invalid_request');
  });

  test('Basic and client_secret in the body together: invalid_request', async () => {
    const res = await form(token, { grant_type: 'client_credentials', client_secret: SECRET }, { authorization: basic('backend', SECRET) });
    assertOAuthError(res, 400, 'invalid_request');
  });

  test('malformed Basic header: invalid_client', async () => {
    const res = await form(token, { grant_type: 'client_credentials' }, { authorization: 'Basic !!!notbase64' });
    assertOAuthError(res, 401, 'invalid_client');
  });

  test('a client without a default user is refused, never given an ownerless token: unauthorized_client saying how to fix it', async () => {
    for (const res of [
      await form(token, { grant_type: 'client_credentials', client_id: 'nouser', client_secret: SECRET }),
      await form(token, { grant_type: 'client_credentials' }, { authorization: basic('nouser', SECRET) }),
    ]) {
      assertOAuthError(res, 400, 'unauthorized_client');
      assert.equal(
        res.body.error_description,
        'The client has no default user for client_credentials tokens to act as. Give the client a default user, or use another grant type.',
      );
      assert.equal(res.headers.get('www-authenticate'), null, 'the client did authenticate: no challenge');
    }
  });

  test('a default user that is blocked: invalid_grant', async () => {
    assertOAuthError(await form(token, { grant_type: 'client_credentials', client_id: 'ccblocked', client_secret: SECRET }), 400, 'invalid_grant');
  });

  test('scope not allowed for the client, unknown, or not for this grant: invalid_scope', async () => {
    assertOAuthError(
      await form(token, { grant_type: 'client_credentials', client_id: 'script', client_secret: SECRET, scope: 'mail:read' }),
      400,
      'invalid_scope',
    );
    assertOAuthError(await form(token, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET, scope: 'nope' }), 400, 'invalid_scope');
    assertOAuthError(
      await form(token, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET, scope: 'openid' }),
      400,
      'invalid_scope',
    );
    assertOAuthError(await form(token, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET, scope: 'a"b' }), 400, 'invalid_scope');
  });

  test('a grant the client does not list: unauthorized_client', async () => {
    assertOAuthError(await form(token, { grant_type: 'client_credentials', client_id: 'mobile' }), 400, 'unauthorized_client');
  });
});

describe('request shape', () => {
  test('missing grant_type: invalid_request; unknown grant_type: unsupported_grant_type', async () => {
    assertOAuthError(await form(token, { client_id: 'backend', client_secret: SECRET }), 400, 'invalid_request');
    assertOAuthError(await form(token, { grant_type: 'implicit', client_id: 'backend', client_secret: SECRET }), 400, 'unsupported_grant_type');
    assertOAuthError(await form(token, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }), 400, 'unsupported_grant_type');
  });

  test('repeated parameters: invalid_request', async () => {
    const res = await request(token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&grant_type=password&client_id=backend&client_secret=' + SECRET,
    });
    assertOAuthError(res, 400, 'invalid_request');
  });

  test('JSON body: invalid_request (RFC 6749 requires form encoding)', async () => {
    const res = await request(token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    assertOAuthError(res, 400, 'invalid_request');
  });

  test('malformed JSON, unknown content type and oversized bodies: 4xx in RFC vocabulary, never 5xx', async () => {
    const bad = await request(token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' });
    assertOAuthError(bad, 400, 'invalid_request');
    const xml = await request(token, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    assertOAuthError(xml, 400, 'invalid_request');
    const huge = await request(token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=' + 'x'.repeat(200_000),
    });
    assertOAuthError(huge, 400, 'invalid_request');
  });

  test('GET is refused with 405', async () => {
    const res = await request(token);
    assertOAuthError(res, 405, 'invalid_request');
    assert.equal(res.headers.get('allow'), 'POST');
  });
});

describe('password', () => {
  test('issues access and refresh tokens for the right password', async () => {
    const res = await form(token, { grant_type: 'password', client_id: 'mobile', username: 'bob', password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.refresh_token);
    assert.equal(res.body.scope, 'profile:read');
    const bob = await gh.store.users.findByName('bob');
    assert.equal(decodeJwt(res.body.access_token).claims.sub, String(bob!.uid));
  });

  test('user names are case-insensitive, as in Drupal', async () => {
    const res = await form(token, { grant_type: 'password', client_id: 'mobile', username: 'BOB', password: PASSWORD });
    assert.equal(res.status, 200, res.text);
  });

  test('wrong password and unknown user answer alike: invalid_grant', async () => {
    const wrong = await form(token, { grant_type: 'password', client_id: 'script', client_secret: SECRET, username: 'alice', password: 'nope-nope' });
    const unknown = await form(token, { grant_type: 'password', client_id: 'script', client_secret: SECRET, username: 'nobody-here', password: 'nope-nope' });
    assertOAuthError(wrong, 400, 'invalid_grant');
    assert.deepEqual(wrong.body, unknown.body);
  });

  test('missing username or password: invalid_request', async () => {
    assertOAuthError(await form(token, { grant_type: 'password', client_id: 'mobile', password: PASSWORD }), 400, 'invalid_request');
    assertOAuthError(await form(token, { grant_type: 'password', client_id: 'mobile', username: 'bob' }), 400, 'invalid_request');
  });

  test('a blocked user with the right password: invalid_grant', async () => {
    assertOAuthError(await form(token, { grant_type: 'password', client_id: 'mobile', username: 'carol', password: PASSWORD }), 400, 'invalid_grant');
  });

  test('a public client that sends a secret is refused', async () => {
    assertOAuthError(
      await form(token, { grant_type: 'password', client_id: 'mobile', client_secret: 'anything', username: 'bob', password: PASSWORD }),
      401,
      'invalid_client',
    );
  });
});

describe('refresh_token', () => {
  async function passwordTokens(): Promise<{ access_token: string; refresh_token: string }> {
    const res = await form(token, {
      grant_type: 'password',
      client_id: 'backend',
      client_secret: SECRET,
      username: 'alice',
      password: PASSWORD,
      scope: 'profile:read mail:read',
    });
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  test('rotates: the new refresh token works, the old one is spent', async () => {
    const first = await passwordTokens();
    const second = await form(token, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: first.refresh_token });
    assert.equal(second.status, 200, second.text);
    assert.notEqual(second.body.refresh_token, first.refresh_token);
    assert.equal(second.body.scope, 'profile:read mail:read');
    const third = await form(token, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: second.body.refresh_token });
    assert.equal(third.status, 200, third.text);
  });

  test('scope may narrow, never widen', async () => {
    const first = await passwordTokens();
    const narrowed = await form(token, {
      grant_type: 'refresh_token',
      client_id: 'backend',
      client_secret: SECRET,
      refresh_token: first.refresh_token,
      scope: 'profile:read',
    });
    assert.equal(narrowed.status, 200, narrowed.text);
    assert.equal(narrowed.body.scope, 'profile:read');
    const widened = await form(token, {
      grant_type: 'refresh_token',
      client_id: 'backend',
      client_secret: SECRET,
      refresh_token: narrowed.body.refresh_token,
      scope: 'profile:read mail:read',
    });
    assertOAuthError(widened, 400, 'invalid_scope');
  });

  test('a spent token replayed revokes the whole family, including access tokens issued from it', async () => {
    const first = await passwordTokens();
    const second = await form(token, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: first.refresh_token });
    assert.equal(second.status, 200);
    const replay = await form(token, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: first.refresh_token });
    assertOAuthError(replay, 400, 'invalid_grant');
    const heir = await form(token, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: second.body.refresh_token });
    assertOAuthError(heir, 400, 'invalid_grant');
    const alice = await gh.store.users.findByName('alice');
    const debug = await request(`${gh.url}/user/${alice!.uid}?_format=json`, { headers: { authorization: `Bearer ${second.body.access_token}` } });
    assert.equal(debug.status, 401);
    assert.equal(debug.body.error, 'INVALID_ACCESS_TOKEN');
  });

  test('another client cannot use the token; unknown and missing tokens are refused', async () => {
    const first = await passwordTokens();
    assertOAuthError(await form(token, { grant_type: 'refresh_token', client_id: 'mobile', refresh_token: first.refresh_token }), 400, 'invalid_grant');
    assertOAuthError(
      await form(token, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: 'garbage' }),
      400,
      'invalid_grant',
    );
    assertOAuthError(await form(token, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET }), 400, 'invalid_request');
    // the legitimate client can still use it: the foreign attempt did not spend it
    const ok = await form(token, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: first.refresh_token });
    assert.equal(ok.status, 200);
  });

  test('expired refresh tokens are refused', async () => {
    const first = await passwordTokens();
    gh.clock.advance(1_209_600 + 1);
    try {
      assertOAuthError(
        await form(token, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: first.refresh_token }),
        400,
        'invalid_grant',
      );
    } finally {
      gh.clock.advance(-(1_209_600 + 1));
    }
  });

  test('refresh tokens are stored only as digests', async () => {
    const first = await passwordTokens();
    assert.equal(await gh.store.refreshTokens.findByDigest(first.refresh_token), null);
  });
});
