// test-engines: both
// GATEHOUSE_RATE_LIMIT: a route is limited because it says so in its own configuration
// (`rateLimited`), and answers 429 in its endpoint's vocabulary. Every endpoint that checks a
// password or a client secret carries it; a route that does not is never counted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { form, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse({ config: { rateLimit: { max: 1, windowMs: 60_000 } } });
  // the one request the window allows
  assert.equal((await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET })).status, 200);
});
after(() => gh?.close());

test('the OAuth endpoints answer RFC 6749 style', async () => {
  for (const path of ['/oauth/token', '/oauth/introspect', '/oauth/revoke']) {
    const res = await form(`${gh.url}${path}`, { client_id: 'backend', client_secret: SECRET, token: 'x' });
    assert.equal(res.status, 429, `${path}: ${res.text}`);
    assert.equal(res.body.error, 'temporarily_unavailable', path);
    assert.ok(Number(res.headers.get('retry-after')) >= 1, path);
    assert.equal(res.headers.get('cache-control'), 'no-store', path);
  }
});

test('the miniOrange endpoints answer in their vocabulary', async () => {
  for (const path of ['/rest_api/access_token', '/rest_api/revoke']) {
    const res = await form(`${gh.url}${path}`, { grant_type: 'client_credentials', client_id: 'backend', client_secret: SECRET });
    assert.equal(res.status, 429, `${path}: ${res.text}`);
    assert.deepEqual(res.body, { status: 'error', error: 'TOO_MANY_REQUESTS', error_description: 'Too many requests. Try again later.' });
    assert.ok(Number(res.headers.get('retry-after')) >= 1, path);
  }
});

test('the login form answers in plain text', async () => {
  const res = await form(`${gh.url}/user/login`, { name: 'alice', pass: 'x' });
  assert.equal(res.status, 429, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  assert.equal(res.text, 'Too many requests. Try again later.');
});

test('routes that check no secret are not counted', async () => {
  assert.equal((await request(`${gh.url}/user/login`)).status, 200, 'GET of the login form');
  assert.equal((await request(`${gh.url}/.well-known/openid-configuration`)).status, 200);
  const authorize = await form(`${gh.url}/oauth/authorize`, { client_id: 'nobody' });
  assert.equal(authorize.status, 400, 'POST /oauth/authorize is answered, not limited');
});
