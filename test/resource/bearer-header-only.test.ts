// test-engines: both
// Access tokens are read from the Authorization header only (RFC 6750 §2.3, RFC 9700 §4.3.2):
// a token in a query string or a request body ends up in logs, histories and Referer headers, so it
// is not accepted there — except the form-encoded body of a userinfo POST, which OpenID Connect
// Core §5.3.1 asks for (RFC 6750 §2.2).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bearer, form, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let token: string;
let profile: string;
before(async () => {
  gh = await startGatehouse();
  const issued = await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET, scope: 'profile:read' });
  assert.equal(issued.status, 200, issued.text);
  token = issued.body.access_token;
  profile = `${gh.url}/user/${(await gh.store.users.findByName('bob'))!.uid}?_format=json`;
});
after(() => gh.close());

test('the token in the Authorization header works (the control)', async () => {
  assert.equal((await request(profile, { headers: bearer(token) })).status, 200);
  assert.equal((await request(`${gh.url}/oauth/debug`, { headers: bearer(token) })).status, 200);
});

test('the same token as ?access_token= is not read: 401 MISSING_AUTHORIZATION_HEADER', async () => {
  for (const url of [`${profile}&access_token=${token}`, `${gh.url}/oauth/debug?access_token=${token}`, `${gh.url}/oauth/userinfo?access_token=${token}`]) {
    const res = await request(url);
    assert.equal(res.status, 401, url);
    assert.equal(res.body.error, 'MISSING_AUTHORIZATION_HEADER', url);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
  }
});

test('nor in a request body, on any protected route but userinfo', async () => {
  const res = await request(`${gh.url}/admin/api/v1/clients/backend/secret`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ access_token: token }),
  });
  assert.equal(res.status, 401);
  assert.equal(res.body.error, 'MISSING_AUTHORIZATION_HEADER');
});

test('userinfo alone reads access_token from a form-encoded POST body (RFC 6750 §2.2, OIDC Core §5.3.1)', async () => {
  // this client-credentials token lacks `openid`: read, it is refused for its scope, not its absence
  const res = await form(`${gh.url}/oauth/userinfo`, { access_token: token });
  assert.equal(res.status, 403);
  assert.match(res.headers.get('www-authenticate') ?? '', /insufficient_scope/);
});
