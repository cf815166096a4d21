// Session fixation (OWASP; RFC 6819 §4.4.1.6 for the session the authorization rides on): a
// login always starts a new session with a new id, and the session the browser arrived with —
// one an attacker planted, even a live one of the attacker's own — is ended, never promoted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BrowserAgent } from '../helpers/browser-http.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse();
});
after(() => gh.close());

/** Who the session cookie `id` logs in, by the page /user/apps shows (or null: the login form). */
async function whoIs(id: string): Promise<string | null> {
  const agent = new BrowserAgent(gh.url);
  agent.cookies.set('gh_session', id);
  const page = await agent.get('/user/apps');
  if (page.status === 302) {
    assert.match(page.location ?? '', /^\/user\/login/);
    return null;
  }
  assert.equal(page.status, 200);
  const name = /Signed in as <strong>([^<]*)<\/strong>/.exec(page.text)?.[1];
  assert.ok(name, 'the apps page names the user');
  return name;
}

test('a live session planted by an attacker is ended at login, and the victim gets a new id', async () => {
  const attacker = new BrowserAgent(gh.url);
  assert.equal((await attacker.login('bob', PASSWORD)).status, 303);
  const planted = attacker.cookies.get('gh_session')!;
  assert.equal(await whoIs(planted), 'bob');

  const victim = new BrowserAgent(gh.url);
  victim.cookies.set('gh_session', planted);
  const login = await victim.login('alice', PASSWORD);
  assert.equal(login.status, 303, login.text.slice(0, 300));
  const own = victim.cookies.get('gh_session')!;
  assert.ok(own);
  assert.notEqual(own, planted, 'the login set a new session id');
  assert.equal(await whoIs(own), 'alice');
  assert.equal(await whoIs(planted), null, 'the planted id logs in nobody: not alice, and no longer bob');
});

test('an id the server never issued is not adopted either', async () => {
  const planted = 'A'.repeat(43); // the shape of a real id
  const victim = new BrowserAgent(gh.url);
  victim.cookies.set('gh_session', planted);
  assert.equal((await victim.login('alice', PASSWORD)).status, 303);
  assert.notEqual(victim.cookies.get('gh_session'), planted);
  assert.equal(await whoIs(planted), null);
});
