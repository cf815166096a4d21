// test-engines: both
// POST /rest_api/access_token: every row of docs/compatibility.md §1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../../src/config.js';
import { decodeJwt, form, PASSWORD, request, SECRET, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let endpoint: string;
// miniOrange's password grant with client_id alone: only a client marked public may do that
const APP = { clientId: 'app', label: 'Script (public)', confidential: false, grantTypes: ['password'], scopes: ['profile:read'] };
before(async () => {
  gh = await startGatehouse({ world: { ...WORLD, clients: [...WORLD.clients!, APP] }, config: { flood: { ...testConfig().flood, userLimit: 3 } } });
  endpoint = `${gh.url}/rest_api/access_token`;
});
after(() => gh.close());

function assertError(res: { status: number; body: any; headers: Headers }, status: number, error: string, description: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.deepEqual(res.body, { status: 'error', error, error_description: description });
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
}

describe('password grant', () => {
  test('the seed request verbatim: token for that user', async () => {
    const res = await form(endpoint, { grant_type: 'password', client_id: 'app', username: 'bob', password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'status', 'token_type']);
    assert.equal(res.body.status, 'success');
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 300);
    const bob = await gh.store.users.findByName('bob');
    assert.equal(decodeJwt(res.body.access_token).claims.sub, String(bob!.uid));
  });

  test('+ refresh_token when the client also has the refresh_token grant', async () => {
    const res = await form(endpoint, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username: 'alice', password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    assert.equal(typeof res.body.refresh_token, 'string');
  });

  test('JSON bodies are accepted too', async () => {
    const res = await request(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ grant_type: 'password', client_id: 'app', username: 'bob', password: PASSWORD }),
    });
    assert.equal(res.status, 200, res.text);
  });

  test('wrong password and unknown user: INVALID_CREDENTIALS 401, the same answer', async () => {
    const wrong = await form(endpoint, { grant_type: 'password', client_id: 'app', username: 'alice', password: 'wrong-password' });
    assertError(wrong, 401, 'INVALID_CREDENTIALS', 'Invalid username or password.');
    const unknown = await form(endpoint, { grant_type: 'password', client_id: 'app', username: 'zed', password: 'wrong-password' });
    assertError(unknown, 401, 'INVALID_CREDENTIALS', 'Invalid username or password.');
  });

  test('unknown client_id: INVALID_CLIENT_ID 401', async () => {
    assertError(
      await form(endpoint, { grant_type: 'password', client_id: 'nope', username: 'bob', password: PASSWORD }),
      401,
      'INVALID_CLIENT_ID',
      'Invalid Client ID.',
    );
  });

  test('username missing: MISSING_USERNAME 400', async () => {
    assertError(
      await form(endpoint, { grant_type: 'password', client_id: 'app', password: PASSWORD }),
      400,
      'MISSING_USERNAME',
      'The username is missing from the request',
    );
  });

  test('password or client_id missing: MISSING_PARAMETER 400 naming it', async () => {
    assertError(
      await form(endpoint, { grant_type: 'password', client_id: 'app', username: 'bob' }),
      400,
      'MISSING_PARAMETER',
      'The password parameter is missing from the request',
    );
    assertError(
      await form(endpoint, { grant_type: 'password', username: 'bob', password: PASSWORD }),
      400,
      'MISSING_PARAMETER',
      'The client_id parameter is missing from the request',
    );
  });

  test('blocked user: USER_BLOCKED 403', async () => {
    assertError(
      await form(endpoint, { grant_type: 'password', client_id: 'app', username: 'carol', password: PASSWORD }),
      403,
      'USER_BLOCKED',
      'The user is blocked or inactive.',
    );
  });

  test('grant not allowed for the client: UNAUTHORIZED_CLIENT 400', async () => {
    assertError(
      await form(endpoint, { grant_type: 'password', client_id: 'nouser', client_secret: SECRET, username: 'bob', password: PASSWORD }),
      400,
      'UNAUTHORIZED_CLIENT',
      'The client is not allowed to use this grant type.',
    );
  });

  test('flood control: TOO_MANY_ATTEMPTS 429 with Retry-After, even for the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await form(endpoint, { grant_type: 'password', client_id: 'app', username: 'root', password: `wrong-${i}-password` });
      assert.equal(res.status, 401);
    }
    const blocked = await form(endpoint, { grant_type: 'password', client_id: 'app', username: 'root', password: PASSWORD });
    assertError(blocked, 429, 'TOO_MANY_ATTEMPTS', 'Too many failed attempts. Try again later.');
    const retry = Number(blocked.headers.get('retry-after'));
    assert.ok(retry > 0 && retry <= 21_600, `retry-after ${retry}`);
    // the window passes: the right password works again
    gh.clock.advance(21_601);
    try {
      const ok = await form(endpoint, { grant_type: 'password', client_id: 'app', username: 'root', password: PASSWORD });
      assert.equal(ok.status, 200, ok.text);
    } finally {
      gh.clock.advance(-21_601);
    }
  });
});

describe('a confidential client always authenticates (RFC 6749 §3.2.1)', () => {
  test('password grant without client_secret, or with a wrong one: INVALID_CLIENT_SECRET 401, no token', async () => {
    for (const secret of [undefined, 'wrong', '']) {
      const fields: Record<string, string> = { grant_type: 'password', client_id: 'script', username: 'bob', password: PASSWORD };
      if (secret !== undefined) fields.client_secret = secret;
      assertError(await form(endpoint, fields), 401, 'INVALID_CLIENT_SECRET', 'Invalid Client Secret.');
    }
    // the right password does not help; the right secret does
    const ok = await form(endpoint, { grant_type: 'password', client_id: 'script', client_secret: SECRET, username: 'bob', password: PASSWORD });
    assert.equal(ok.status, 200, ok.text);
  });

  test('checked before the password: a wrong secret costs no password check and tells nothing about it', async () => {
    const wrongPassword = await form(endpoint, { grant_type: 'password', client_id: 'script', username: 'alice', password: 'not-her-password' });
    assertError(wrongPassword, 401, 'INVALID_CLIENT_SECRET', 'Invalid Client Secret.');
  });

  test('only a client marked public uses the password grant with client_id alone', async () => {
    const res = await form(endpoint, { grant_type: 'password', client_id: 'app', username: 'bob', password: PASSWORD });
    assert.equal(res.status, 200, res.text);
  });

  test('/oauth/token refuses the same request: invalid_client 401', async () => {
    const res = await form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'script', username: 'bob', password: PASSWORD });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.error, 'invalid_client');
  });

  test('/rest_api/revoke: a confidential client without its secret is refused, INVALID_CLIENT_SECRET 401', async () => {
    const token = (await form(endpoint, { grant_type: 'password', client_id: 'script', client_secret: SECRET, username: 'bob', password: PASSWORD })).body
      .access_token;
    assertError(await form(`${gh.url}/rest_api/revoke`, { client_id: 'script', token }), 401, 'INVALID_CLIENT_SECRET', 'Invalid Client Secret.');
    assert.equal((await request(`${gh.url}/oauth/debug`, { headers: { authorization: `Bearer ${token}` } })).status, 200, 'the token still works');
  });
});

describe('client_credentials grant', () => {
  test('the seed request verbatim: token for the named user', async () => {
    const res = await form(endpoint, { grant_type: 'client_credentials', client_id: 'backend', username: 'bob', client_secret: SECRET });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'success');
    const bob = await gh.store.users.findByName('bob');
    assert.equal(decodeJwt(res.body.access_token).claims.sub, String(bob!.uid));
    assert.equal(typeof res.body.refresh_token, 'string', 'backend has the refresh_token grant');
  });

  test('without username: the client default user', async () => {
    const res = await form(endpoint, { grant_type: 'client_credentials', client_id: 'script', client_secret: SECRET });
    assert.equal(res.status, 200, res.text);
    const bob = await gh.store.users.findByName('bob');
    assert.equal(decodeJwt(res.body.access_token).claims.sub, String(bob!.uid));
    assert.equal(res.body.refresh_token, undefined);
  });

  test('without username and without default user: MISSING_USERNAME, saying both ways out', async () => {
    assertError(
      await form(endpoint, { grant_type: 'client_credentials', client_id: 'nouser', client_secret: SECRET }),
      400,
      'MISSING_USERNAME',
      'The username is missing from the request, and the client has no default user to act as: send username, or give the client a default user.',
    );
  });

  test('wrong or missing client_secret: INVALID_CLIENT_SECRET 401', async () => {
    assertError(
      await form(endpoint, { grant_type: 'client_credentials', client_id: 'backend', username: 'bob', client_secret: 'wrong' }),
      401,
      'INVALID_CLIENT_SECRET',
      'Invalid Client Secret.',
    );
    assertError(
      await form(endpoint, { grant_type: 'client_credentials', client_id: 'backend', username: 'bob' }),
      401,
      'INVALID_CLIENT_SECRET',
      'Invalid Client Secret.',
    );
  });

  test('unknown username: INVALID_CREDENTIALS; blocked: USER_BLOCKED', async () => {
    assertError(
      await form(endpoint, { grant_type: 'client_credentials', client_id: 'backend', username: 'zed', client_secret: SECRET }),
      401,
      'INVALID_CREDENTIALS',
      'Invalid username or password.',
    );
    assertError(
      await form(endpoint, { grant_type: 'client_credentials', client_id: 'backend', username: 'carol', client_secret: SECRET }),
      403,
      'USER_BLOCKED',
      'The user is blocked or inactive.',
    );
  });

  test('grant not allowed: UNAUTHORIZED_CLIENT', async () => {
    assertError(
      await form(endpoint, { grant_type: 'client_credentials', client_id: 'mobile' }),
      400,
      'UNAUTHORIZED_CLIENT',
      'The client is not allowed to use this grant type.',
    );
  });
});

describe('request shape', () => {
  test('grant_type missing or unsupported: UNSUPPORTED_GRANT_TYPE 400', async () => {
    assertError(await form(endpoint, { client_id: 'script' }), 400, 'UNSUPPORTED_GRANT_TYPE', 'The grant type is not supported.');
    assertError(await form(endpoint, { grant_type: 'refresh_token', client_id: 'script' }), 400, 'UNSUPPORTED_GRANT_TYPE', 'The grant type is not supported.');
  });

  test('methods other than POST: INVALID_HTTP_METHOD 405', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const res = await request(endpoint, { method });
      assertError(res, 405, 'INVALID_HTTP_METHOD', 'The used HTTP method should be a POST.');
    }
  });

  test('malformed JSON, repeated parameters, wrong content type, oversized body: 4xx, never 5xx', async () => {
    const bad = await request(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'INVALID_REQUEST');
    const repeated = await request(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=a&username=b&client_id=script&password=x',
    });
    assert.equal(repeated.status, 400);
    assert.equal(repeated.body.error, 'INVALID_REQUEST');
    const text = await request(endpoint, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    assert.ok(text.status === 400 || text.status === 415, String(text.status));
    assert.equal(text.body.status, 'error');
    const huge = await request(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'x'.repeat(100_000) }),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error, 'INVALID_REQUEST');
    const nested = await request(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: { a: 1 } }) });
    assert.equal(nested.status, 400);
    const array = await request(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' });
    assert.equal(array.status, 400);
  });
});
