// test-engines: both
// Where the login form sends the browser (issue 10, finding 11): any `destination` — non-ASCII,
// CR/LF, percent-encoded, or pointing elsewhere — ends in a redirect to a valid, encoded path on
// this server, never a 5xx; and no redirect anywhere carries a character a header may not hold.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authorizePath, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, hiddenField, hiddenFields, pkcePair } from '../helpers/browser-http.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse();
});
after(() => gh.close());

/** A Location a browser resolves to this server, in the visible-ASCII form RFC 9110 §10.2.2 allows. */
function assertLocalEncodedPath(location: string | null, context: string): URL {
  assert.ok(location, `${context}: a Location`);
  assert.match(location, /^\/(?!\/)[\x21-\x7e]*$/, `${context}: an encoded path, got ${JSON.stringify(location)}`);
  const resolved = new URL(location, gh.url);
  assert.equal(resolved.origin, gh.url, `${context}: stays on this server`);
  return resolved;
}

describe('login destination', () => {
  // [sent, what the browser must land on (decoded), or null for the default page]
  const cases: [string, string | null][] = [
    ['/é', '/é'],
    ['/user/apps?name=Jürgen&city=Zürich', '/user/apps?name=Jürgen&city=Zürich'],
    ['/日本語/ページ', '/日本語/ページ'],
    ['/emoji/😀', '/emoji/😀'],
    ['/a b"c<d>`e', '/a b"c<d>`e'],
    ['/\u2028line-separator', '/\u2028line-separator'],
    ['/x\r\nSet-Cookie: gh_session=planted', null],
    ['/x\nLocation: https://evil.example', null],
    ['/x\u007f', null],
    ['/%0d%0aSet-Cookie:%20gh_session=planted', '/%0d%0aSet-Cookie:%20gh_session=planted'],
    ['/%C3%A9', '/%C3%A9'],
    ['/user/apps?a=%zz', '/user/apps?a=%zz'],
    ['/.//evil.example/', null],
    ['/..//evil.example/', null],
    ['/\\evil.example', null],
    ['//evil.example', null],
    ['https://evil.example/', null],
    ['', null],
  ];

  for (const [sent, landing] of cases) {
    test(`${JSON.stringify(sent)} after a correct password`, async () => {
      const agent = new BrowserAgent(gh.url);
      const form = await agent.get(`/user/login?${new URLSearchParams({ destination: sent })}`);
      assert.equal(form.status, 200);
      const carried = hiddenField(form.text, 'destination')!;
      // the form posts what it was given; the server validates again on the way out
      const loggedIn = await agent.post('/user/login', { name: 'bob', pass: PASSWORD, destination: sent, csrf_token: hiddenField(form.text, 'csrf_token')! });
      assert.equal(loggedIn.status, 303, `${loggedIn.status}: ${loggedIn.text.slice(0, 200)}`);
      const resolved = assertLocalEncodedPath(loggedIn.location, sent);
      assert.equal(carried, loggedIn.location, 'the form carried the same encoded destination');
      if (landing === null) assert.equal(resolved.pathname + resolved.search, '/user/apps');
      else {
        // where a browser following the original would have landed
        const expected = new URL(landing, gh.url);
        assert.equal(resolved.pathname + resolved.search, expected.pathname + expected.search);
      }
    });
  }

  test('a wrong password with such a destination shows the form again, encoded', async () => {
    const agent = new BrowserAgent(gh.url);
    const form = await agent.get('/user/login');
    const page = await agent.post('/user/login', { name: 'bob', pass: 'wrong', destination: '/é\r\n', csrf_token: hiddenField(form.text, 'csrf_token')! });
    assert.equal(page.status, 401);
    assert.equal(hiddenField(page.text, 'destination'), '/user/apps');
  });
});

describe('other redirects built from input', () => {
  test('an authorization request with non-ASCII state returns through login and consent intact', async () => {
    const agent = new BrowserAgent(gh.url);
    const state = 'état-😀-\u2028-"<x>';
    const first = await agent.get(authorizePath(spaRequest(pkcePair().challenge, { state, login_hint: 'bob' })));
    assert.equal(first.status, 302);
    assertLocalEncodedPath(first.location, 'authorize → login');
    const destination = new URL(first.location!, gh.url).searchParams.get('destination')!;
    const form = await agent.get(first.location!);
    assert.equal(hiddenField(form.text, 'destination'), destination);
    const loggedIn = await agent.post('/user/login', { name: 'bob', pass: PASSWORD, destination, csrf_token: hiddenField(form.text, 'csrf_token')! });
    assert.equal(loggedIn.status, 303);
    assertLocalEncodedPath(loggedIn.location, 'login → authorize');
    const consent = await agent.get(loggedIn.location!);
    assert.equal(consent.status, 200);
    const allowed = await agent.post('/oauth/authorize', { ...hiddenFields(consent.text), decision: 'allow' });
    assert.equal(allowed.status, 302);
    assert.match(allowed.location!, /^[\x21-\x7e]+$/);
    assert.equal(new URL(allowed.location!).searchParams.get('state'), state);
  });

  test('a console address with encoded non-ASCII and CR/LF goes through login and back', async () => {
    const agent = new BrowserAgent(gh.url);
    const asked = '/admin/users?query=%C3%A9%0D%0ASet-Cookie:%20x';
    const first = await agent.get(asked);
    assert.equal(first.status, 302);
    assertLocalEncodedPath(first.location, 'console → login');
    const destination = new URL(first.location!, gh.url).searchParams.get('destination')!;
    assert.equal(destination, asked);
    const login = await agent.login('root', PASSWORD, destination);
    assert.equal(login.status, 303);
    assert.equal(assertLocalEncodedPath(login.location, 'login → console').href, gh.url + asked);
    assert.equal((await agent.get(login.location!)).status, 200);
  });
});
