// test-engines: both
// API keys in the console (issue 12 part 4), over HTTP as a browser submits the forms: the section
// on the user's page lists a user's keys (never a key), creates one (shown once, no-store) and
// revokes one after a confirmation; every form needs its CSRF token; wrong input is shown beside
// its field; a revoke URL naming another user's key revokes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_WORLD } from '../helpers/admin.js';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { setRoutes } from './recording-upstream.js';

let gh: Running;
let admin: BrowserAgent;
let csrf: string;
let alice: number;
let bob: number;

before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD });
  await setRoutes(gh, [{ name: 'keyed', path: '/keyed', auth: ['api_key'] }]);
  admin = new BrowserAgent(gh.url);
  assert.equal((await admin.login('root', PASSWORD, '/admin')).status, 303);
  alice = (await gh.store.users.findByName('alice'))!.uid;
  bob = (await gh.store.users.findByName('bob'))!.uid;
  csrf = hiddenField((await admin.get(`/admin/users/${alice}`)).text, 'csrf_token')!;
});
after(() => gh.close());

const gate = (key: string) => request(`${gh.url}/gate/check`, { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/keyed', 'x-api-key': key } });

describe('console: API keys', () => {
  test('create shows the key once; the user page lists it without the key; revoke asks first, then refuses the key', async () => {
    const made = await admin.post(`/admin/users/${alice}/api-keys`, { csrf_token: csrf, label: 'console key', expiresInDays: '10', scopes: 'profile:read' });
    assert.equal(made.status, 303, made.text.slice(0, 500));
    const shown = await admin.get(made.location!);
    const key = /<output id="api-key" class="secret">(ghk_[a-z0-9]{12}_[A-Za-z0-9_-]{43})<\/output>/.exec(shown.text)?.[1];
    assert.ok(key, 'the key is shown');
    const id = key.slice(4, 16);
    assert.equal((await gate(key)).status, 200);

    const userPage = (await admin.get(`/admin/users/${alice}`)).text;
    assert.match(userPage, /<h2 id="api-keys">API keys<\/h2>/);
    assert.ok(userPage.includes(`<code>${id}</code>`) && userPage.includes('console key') && userPage.includes('profile:read'));
    assert.ok(!userPage.includes(key.slice(17)), 'the user page never shows the key');

    const confirm = await admin.get(`/admin/users/${alice}/api-keys/${id}/revoke`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, new RegExp(`Revoke the API key ${id} of alice\\?`));
    // without the confirmation nothing happens
    const unconfirmed = await admin.post(`/admin/users/${alice}/api-keys/${id}/revoke`, { csrf_token: csrf });
    assert.equal(unconfirmed.status, 303);
    assert.equal((await gate(key)).status, 200);
    const revoked = await admin.post(`/admin/users/${alice}/api-keys/${id}/revoke`, { csrf_token: csrf, confirm: 'yes' });
    assert.equal(revoked.status, 303);
    assert.match(revoked.location ?? '', /apikeyrevoked=1/);
    assert.equal((await gate(key)).status, 401);
    assert.match((await admin.get(`/admin/users/${alice}`)).text, new RegExp(`<code>${id}</code>.*revoked`));
  });

  test('without the CSRF token: refused, no key made', async () => {
    const before = (await gh.store.apiKeys.list({ userId: bob })).length;
    const res = await admin.post(`/admin/users/${bob}/api-keys`, { label: 'forged' });
    assert.equal(res.status, 403);
    assert.equal((await gh.store.apiKeys.list({ userId: bob })).length, before);
  });

  test('wrong input beside its field (400); another user’s key through this user’s URL: 404, not revoked', async () => {
    for (const [fields, pattern] of [
      [{ expiresInDays: 'soon' }, /whole number of days/],
      [{ expiresInDays: '0' }, /whole number of days/],
      [{ scopes: 'nope' }, /no scope named &quot;nope&quot;/],
      [{ label: 'x'.repeat(129) }, /at most 128 characters/],
    ] as const) {
      const res = await admin.post(`/admin/users/${bob}/api-keys`, { csrf_token: csrf, label: 'kept', ...fields });
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.match(res.text, pattern);
      if (!('label' in fields)) assert.ok(res.text.includes('name="label" value="kept"'), 'the input is kept');
    }
    const made = await admin.post(`/admin/users/${alice}/api-keys`, { csrf_token: csrf, label: 'alice only' });
    const key = /(ghk_[a-z0-9]{12}_[A-Za-z0-9_-]{43})/.exec((await admin.get(made.location!)).text)![1]!;
    const wrong = await admin.post(`/admin/users/${bob}/api-keys/${key.slice(4, 16)}/revoke`, { csrf_token: csrf, confirm: 'yes' });
    assert.equal(wrong.status, 404);
    assert.equal((await gate(key)).status, 200);
  });

  test('a user without "administer users" cannot reach it', async () => {
    const editor = new BrowserAgent(gh.url);
    await editor.login('alice', PASSWORD, '/admin');
    assert.equal((await editor.get(`/admin/users/${alice}/api-keys/aaaaaaaaaaaa/revoke`)).status, 403);
  });
});
