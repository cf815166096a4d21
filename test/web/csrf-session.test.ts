// test-engines: both
// CSRF tokens are bound to the login session (issue 10, finding 10): a token learnt before login,
// or in another session of the same browser, is refused for a logged-in form; the login form
// keeps working for anonymous browsers; behind an https issuer both cookies are `__Host-` cookies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authorizePath, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, hiddenField, hiddenFields, pkcePair } from '../helpers/browser-http.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

/** The Set-Cookie line that sets (or clears) the named cookie. */
function setCookie(headers: Headers, name: string): string | undefined {
  return headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

describe('CSRF token bound to the session (http issuer)', () => {
  let gh: Running;
  before(async () => {
    gh = await startGatehouse();
  });
  after(() => gh.close());

  test('a token learnt before login is refused by every logged-in form after login', async () => {
    const agent = new BrowserAgent(gh.url);
    const loginForm = await agent.get('/user/login');
    const before = hiddenField(loginForm.text, 'csrf_token')!;
    assert.ok(setCookie(loginForm.headers, 'gh_csrf'), 'an anonymous browser gets a nonce cookie for the login form');
    const loggedIn = await agent.post('/user/login', { name: 'bob', pass: PASSWORD, destination: '/user/apps', csrf_token: before });
    assert.equal(loggedIn.status, 303, 'the login form works for an anonymous browser');
    assert.match(setCookie(loggedIn.headers, 'gh_csrf') ?? '', /Expires=Thu, 01 Jan 1970/, 'the pre-login nonce is dropped at login');

    const consent = await agent.get(authorizePath(spaRequest(pkcePair().challenge)));
    assert.equal(consent.status, 200);
    const fields = hiddenFields(consent.text);
    assert.notEqual(fields.csrf_token, before, 'forms after login carry another token');
    assert.equal((await agent.post('/oauth/authorize', { ...fields, csrf_token: before, decision: 'allow' })).status, 403, 'consent');
    assert.equal((await agent.post('/user/logout', { csrf_token: before })).status, 403, 'logout');
    assert.equal((await agent.post('/user/apps/revoke', { client_id: 'spa', csrf_token: before })).status, 403, 'revoke an app');
    // the page's own token still works
    const allowed = await agent.post('/oauth/authorize', { ...fields, decision: 'allow' });
    assert.equal(allowed.status, 302);
  });

  test('the same browser logged in again: the previous session’s token is refused', async () => {
    const agent = new BrowserAgent(gh.url);
    assert.equal((await agent.login('bob', PASSWORD)).status, 303);
    const first = hiddenField((await agent.get('/user/apps')).text, 'csrf_token')!;
    assert.equal((await agent.login('alice', PASSWORD)).status, 303);
    const second = hiddenField((await agent.get('/user/apps')).text, 'csrf_token')!;
    assert.notEqual(first, second);
    assert.equal((await agent.post('/user/logout', { csrf_token: first })).status, 403);
    assert.equal((await agent.post('/user/logout', { csrf_token: second })).status, 200);
  });

  test('the console refuses a token of another session', async () => {
    const root = new BrowserAgent(gh.url);
    const other = new BrowserAgent(gh.url);
    assert.equal((await root.login('root', PASSWORD, '/admin')).status, 303);
    assert.equal((await other.login('root', PASSWORD, '/admin')).status, 303);
    const othersToken = hiddenField((await other.get('/admin/keys/rotate?use=access')).text, 'csrf_token')!;
    assert.equal((await root.post('/admin/keys/rotate?use=access', { csrf_token: othersToken, confirm: 'yes' })).status, 403);
    const ownToken = hiddenField((await root.get('/admin/keys/rotate?use=access')).text, 'csrf_token')!;
    assert.equal((await root.post('/admin/keys/rotate?use=access', { csrf_token: ownToken, confirm: 'yes' })).status, 303);
  });
});

describe('__Host- cookies behind an https issuer', () => {
  let gh: Running;
  before(async () => {
    gh = await startGatehouse({ config: { issuer: 'https://gatehouse.example' } });
  });
  after(() => gh.close());

  const hostOnly = (line: string | undefined, name: string) => {
    assert.ok(line, `${name} is set`);
    assert.match(line, /; Secure/i, `${name} is Secure`);
    assert.match(line, /; Path=\/(;|$)/i, `${name} has Path=/`);
    assert.doesNotMatch(line, /; Domain=/i, `${name} has no Domain`);
    assert.match(line, /; HttpOnly/i);
    assert.match(line, /; SameSite=Lax/i);
  };

  test('the nonce, the session and their removal all use the __Host- prefix', async () => {
    const agent = new BrowserAgent(gh.url);
    const loginForm = await agent.get('/user/login');
    hostOnly(setCookie(loginForm.headers, '__Host-gh_csrf'), '__Host-gh_csrf');
    assert.equal(setCookie(loginForm.headers, 'gh_csrf'), undefined);

    const loggedIn = await agent.post('/user/login', {
      name: 'bob',
      pass: PASSWORD,
      destination: '/user/apps',
      csrf_token: hiddenField(loginForm.text, 'csrf_token')!,
    });
    assert.equal(loggedIn.status, 303);
    hostOnly(setCookie(loggedIn.headers, '__Host-gh_session'), '__Host-gh_session');
    // a __Host- cookie is only removed by a Set-Cookie with the same attributes
    hostOnly(setCookie(loggedIn.headers, '__Host-gh_csrf'), '__Host-gh_csrf removal');
    assert.ok(agent.cookies.get('__Host-gh_session'));

    const apps = await agent.get('/user/apps');
    assert.equal(apps.status, 200, 'the session cookie is honoured');
    const logout = await agent.post('/user/logout', { csrf_token: hiddenField(apps.text, 'csrf_token')! });
    assert.equal(logout.status, 200);
    const cleared = setCookie(logout.headers, '__Host-gh_session');
    hostOnly(cleared, '__Host-gh_session removal');
    assert.match(cleared!, /Expires=Thu, 01 Jan 1970/);
  });

  test('a session id planted under the unprefixed name is not honoured', async () => {
    const agent = new BrowserAgent(gh.url);
    assert.equal((await agent.login('bob', PASSWORD)).status, 303);
    const id = agent.cookies.get('__Host-gh_session');
    assert.ok(id, 'logged in under the prefixed name');
    const planted = new BrowserAgent(gh.url);
    planted.cookies.set('gh_session', id);
    const apps = await planted.get('/user/apps');
    assert.equal(apps.status, 302);
    assert.match(apps.location!, /^\/user\/login/);
  });
});
