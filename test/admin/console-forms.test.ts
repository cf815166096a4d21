// test-engines: both
// The console's forms over HTTP: each refusal shown beside its field with a 400, destructive
// steps that do nothing without their confirmation, the last administrator protected, and
// every page behind login and its permission.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_WORLD } from '../helpers/admin.js';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let admin: BrowserAgent;
let csrf: string;

before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD });
  admin = new BrowserAgent(gh.url);
  const login = await admin.login('root', PASSWORD, '/admin');
  assert.equal(login.status, 303);
  csrf = hiddenField((await admin.get('/admin/clients/new')).text, 'csrf_token')!;
});
after(() => gh.close());

/** The text of the error shown beside `field`. */
function fieldError(page: string, field: string): string | undefined {
  const text = new RegExp(`id="${field}-error" role="alert">([^<]*)<`).exec(page)?.[1];
  return text
    ?.replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('access', () => {
  test('not logged in: every console page sends to the login form and back', async () => {
    for (const path of ['/admin', '/admin/clients', '/admin/users?q=a', '/admin/roles', '/admin/scopes', '/admin/keys', '/admin/audit']) {
      const page = await new BrowserAgent(gh.url).get(path);
      assert.equal(page.status, 302, path);
      assert.equal(new URL(page.location!, gh.url).searchParams.get('destination'), path);
    }
  });

  test('logged in without the permission: 403 for each section', async () => {
    const editor = new BrowserAgent(gh.url);
    await editor.login('alice', PASSWORD, '/admin');
    for (const path of ['/admin', '/admin/clients', '/admin/users', '/admin/keys', '/admin/audit', '/admin/scopes'])
      assert.equal((await editor.get(path)).status, 403, path);
  });
});

describe('forms', () => {
  test('client form: each refusal beside its field, the input kept', async () => {
    for (const [fields, name, pattern] of [
      [{ clientId: 'ok-id', grantTypes: 'authorization_code' }, 'redirectUris', /needs at least one redirect URI/],
      [{ clientId: 'ok-id', grantTypes: 'client_credentials', redirectUris: 'https://app.example/cb#top' }, 'redirectUris', /must not contain a fragment/],
      // RFC 9700 §2.6: plain http only to a loopback listener
      [{ clientId: 'ok-id', grantTypes: 'authorization_code', redirectUris: 'http://app.example/cb' }, 'redirectUris', /must use https/],
      [{ clientId: 'ok-id', grantTypes: 'client_credentials', accessTokenExpiration: 'soon' }, 'accessTokenExpiration', /whole number/],
      [{ clientId: 'ok-id', grantTypes: 'client_credentials', user: 'nobody' }, 'user', /no user named "nobody"/],
      [{ clientId: 'ok-id', grantTypes: 'client_credentials', actAs: 'bob\nnobody' }, 'actAs', /no user named "nobody"/],
      [{ clientId: 'backend' }, 'clientId', /already exists/],
      [{ clientId: 'ok-id' }, 'grantTypes', /at least one grant type/],
    ] as const) {
      const page = await admin.post('/admin/clients/new', { csrf_token: csrf, status: '1', confidential: '1', ...fields });
      assert.equal(page.status, 400, JSON.stringify(fields));
      assert.match(fieldError(page.text, name) ?? '', pattern, `${name}: ${page.text.slice(0, 200)}`);
      assert.ok(page.text.includes(`value="${fields.clientId}"`), 'the input is kept');
    }
  });

  test('user form and scope form: refusals beside their fields', async () => {
    const user = await admin.post('/admin/users/new', { csrf_token: csrf, name: 'eve', mail: 'not-an-address' });
    assert.equal(user.status, 400);
    assert.match(fieldError(user.text, 'mail') ?? '', /not a valid e-mail address/);
    const short = await admin.post('/admin/users/new', { csrf_token: csrf, name: 'eve', password: 'short' });
    assert.match(fieldError(short.text, 'password') ?? '', /at least 8 characters/);
    const scope = await admin.post('/admin/scopes', { csrf_token: csrf, name: 'new:scope', description: 'x', granularity: 'role', role: '' });
    assert.equal(scope.status, 400);
    assert.ok(/field-error/.test(scope.text));
    const role = await admin.post('/admin/roles', { csrf_token: csrf, id: 'Bad Role', label: 'x' });
    assert.equal(role.status, 400);
    assert.ok(fieldError(role.text, 'id'));
  });

  test('destructive steps do nothing without confirm=yes; with it they happen', async () => {
    const unconfirmed = await admin.post('/admin/clients/backend/delete', { csrf_token: csrf });
    assert.equal(unconfirmed.status, 303);
    assert.equal(unconfirmed.location, '/admin/clients/backend/delete');
    assert.equal((await admin.get('/admin/clients/backend')).status, 200, 'still there');
    const confirmPage = await admin.get('/admin/clients/backend/delete');
    assert.match(confirmPage.text, /This cannot be undone/);
    const done = await admin.post('/admin/clients/backend/delete', { csrf_token: csrf, confirm: 'yes' });
    assert.equal(done.status, 303);
    assert.equal((await admin.get('/admin/clients/backend')).status, 404);
  });

  test('the last active administrator cannot block themselves', async () => {
    const users = await admin.get('/admin/users?q=root');
    const uid = /href="\/admin\/users\/(\d+)"/.exec(users.text)![1];
    const refused = await admin.post(`/admin/users/${uid}/block`, { csrf_token: csrf, confirm: 'yes' });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /last active administrator/);
    assert.equal((await admin.get('/admin')).status, 200, 'still an administrator');
  });

  test('saving a public client as confidential shows its new secret once', async () => {
    const page = await admin.post('/admin/clients/spa', {
      csrf_token: csrf,
      status: '1',
      confidential: '1',
      grantTypes: 'client_credentials',
      user: 'alice',
      label: 'SPA',
    });
    assert.equal(page.status, 303, page.text.slice(0, 300));
    const shown = await admin.get(page.location!);
    assert.match(shown.text, /id="client-secret" class="secret">[A-Za-z0-9_-]{43,}</);
    assert.equal((await admin.get(page.location!)).status, 410, 'shown once');
    assert.doesNotMatch((await admin.get('/admin/clients/spa')).text, /client-secret/);
  });

  test('a wrong or missing CSRF token is refused', async () => {
    assert.equal((await admin.post('/admin/roles', { id: 'x', label: 'x' })).status, 403);
    assert.equal((await admin.post('/admin/keys/rotate?use=access', { csrf_token: 'forged', confirm: 'yes' })).status, 403);
  });

  test('bad query input never fails: unknown ids 404, bad paging and filters handled', async () => {
    assert.equal((await admin.get('/admin/clients/nope')).status, 404);
    assert.equal((await admin.get('/admin/users/abc')).status, 404);
    assert.equal((await admin.get('/admin/users/0')).status, 404);
    assert.equal((await admin.get('/admin/users?page=-3&q=%00')).status, 200);
    const audit = await admin.get('/admin/audit?from=yesterday&user=nobody');
    assert.equal(audit.status, 400);
    assert.ok(fieldError(audit.text, 'from'));
    assert.ok(fieldError(audit.text, 'user'));
    assert.equal((await admin.get('/admin/audit?client=%00&outcome=maybe&before=x')).status, 200);
    assert.equal((await admin.get('/admin/audit?user=%00')).status, 400);
    // a repeated filter arrives as a list: refused beside its field (it was a 500, found by the fuzzer)
    for (const name of ['user', 'client', 'outcome', 'from', 'to']) {
      const repeated = await admin.get(`/admin/audit?${name}=a&${name}=b`);
      assert.equal(repeated.status, 400, name);
      assert.equal(fieldError(repeated.text, name), 'Give this filter once.');
    }
    assert.equal((await admin.get('/admin/audit?before=1&before=2')).status, 200);
    // NUL in form fields (PostgreSQL text cannot hold it): refused as invalid, never a 500
    assert.equal((await admin.post('/admin/roles', { csrf_token: csrf, id: 'x\u0000', label: 'x' })).status, 400);
    assert.equal(
      (await admin.post('/admin/scopes', { csrf_token: csrf, name: 'x\u0000', description: 'x', granularity: 'permission', permission: 'p' })).status,
      400,
    );
    assert.equal((await admin.post('/admin/users/new', { csrf_token: csrf, name: 'x\u0000' })).status, 400);
    assert.equal((await admin.post('/admin/clients/new', { csrf_token: csrf, clientId: 'x\u0000', grantTypes: 'client_credentials' })).status, 400);
  });
});
