// test-engines: both
// Nobody hands out what they do not hold: a client's default user, the users it may act for and
// its scopes, and what a scope grants, may be set in the admin API and the console only by an
// administrator who already holds every permission that would give (or `administer users`).
// The attack of the security review, step by step, and the paths beside it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApplyDocument } from '../../src/admin/apply.js';
import { ADMIN_SCOPES, ADMIN_WORLD } from '../helpers/admin.js';
import { authorizePath } from '../helpers/authorization.js';
import { BrowserAgent, hiddenField, pkcePair } from '../helpers/browser-http.js';
import { basic, bearer, form, PASSWORD, request, SECRET, startGatehouse, type JsonResponse, type Running } from '../helpers/gatehouse.js';

const API = '/admin/api/v1';
const ALL_GRANTS = ['client_credentials', 'password', 'refresh_token', 'authorization_code'];
const SPA_CB = 'https://admin-spa.example/cb';
const EVIL_CB = 'https://evil.example/cb';

const WORLD: ApplyDocument = {
  ...ADMIN_WORLD,
  roles: [
    ...ADMIN_WORLD.roles!,
    { id: 'clients_only', label: 'Client administrator', permissions: ['administer clients'] },
    { id: 'clients_plus', label: 'Client administrator who reads profiles', permissions: ['administer clients', 'access user profiles', 'view audit log'] },
    { id: 'scopes_only', label: 'Scope administrator', permissions: ['administer scopes', 'access user profiles'] },
  ],
  scopes: [
    ...ADMIN_WORLD.scopes!,
    { name: 'reports', description: 'Read reports', granularity: 'permission', permission: 'access user profiles', grantTypes: ALL_GRANTS },
    { name: 'admin-all', description: 'All administration', umbrella: true, grantTypes: ALL_GRANTS },
    {
      name: 'admin-all:users',
      description: 'Administer users (child)',
      granularity: 'permission',
      permission: 'administer users',
      parent: 'admin-all',
      grantTypes: ALL_GRANTS,
    },
  ],
  users: [
    ...ADMIN_WORLD.users!,
    { name: 'mallory', mail: 'mallory@example.com', password: PASSWORD, roles: ['clients_only'] },
    { name: 'max', mail: 'max@example.com', password: PASSWORD, roles: ['clients_plus'] },
    { name: 'sam', mail: 'sam@example.com', password: PASSWORD, roles: ['scopes_only'] },
  ],
  clients: [
    ...ADMIN_WORLD.clients!,
    // the tool through which the narrow administrators get their admin API tokens
    { clientId: 'tool', secret: SECRET, grantTypes: ['password'], scopes: [...Object.keys(ADMIN_SCOPES), 'profile:read'] },
    // reporting services acting as the administrator, made by the operator; sam runs reports-svc (knows its secret)
    { clientId: 'root-reader', secret: SECRET, grantTypes: ['client_credentials'], user: 'root', scopes: ['profile:read', 'reports'] },
    { clientId: 'reports-svc', secret: SECRET, grantTypes: ['client_credentials'], user: 'root', scopes: ['reports'] },
    { clientId: 'svc', secret: SECRET, grantTypes: ['client_credentials'], user: 'bob', scopes: ['profile:read'] },
    {
      clientId: 'pub-root',
      confidential: false,
      grantTypes: ['authorization_code'],
      redirectUris: ['https://pub.example/cb'],
      user: 'root',
      scopes: ['users:admin'],
    },
    // the administrators' own front end, trusted to skip consent
    {
      clientId: 'admin-spa',
      confidential: false,
      grantTypes: ['authorization_code'],
      redirectUris: [SPA_CB],
      scopes: ['admin:users'],
      automaticAuthorization: true,
    },
    { clientId: 'consent-spa', confidential: false, grantTypes: ['authorization_code'], redirectUris: [SPA_CB], scopes: ['admin:users'] },
  ],
};

let gh: Running;
before(async () => {
  gh = await startGatehouse({ world: WORLD });
});
after(() => gh.close());

async function tokenFor(user: string, scopes: string[]): Promise<string> {
  const res = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: 'tool',
    client_secret: SECRET,
    username: user,
    password: PASSWORD,
    scope: scopes.join(' '),
  });
  assert.equal(res.status, 200, res.text);
  return res.body.access_token;
}

function call(token: string, method: string, path: string, body?: unknown): Promise<JsonResponse> {
  return request(`${gh.url}${API}${path}`, {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const userNamed = async (name: string) => (await gh.store.users.findByName(name))!;

/** A refusal in the admin API's error shape, naming the field and the missing permission. */
function assertForbidden(res: JsonResponse, field: string, missing: RegExp): void {
  assert.equal(res.status, 403, res.text);
  assert.deepEqual(Object.keys(res.body).sort(), ['error', 'field', 'message']);
  assert.equal(res.body.error, 'forbidden');
  assert.equal(res.body.field, field, res.text);
  assert.match(res.body.message, missing);
  assert.equal(res.headers.get('cache-control'), 'no-store');
}

/**
 * The rest of the attack, when a step that should have been refused was not: a client_credentials
 * token as the administrator, then `administer users` on oneself. True when it worked.
 */
async function escalate(clientId: string, secret: string, scope: string, victim: string): Promise<boolean> {
  const cc = await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', scope }, { authorization: basic(clientId, secret) });
  if (cc.status !== 200) return false;
  const self = await userNamed(victim);
  const patched = await call(cc.body.access_token, 'PATCH', `/users/${self.uid}`, { roles: [...self.roles, 'administrator'] });
  return patched.status === 200 && (await userNamed(victim)).roles.includes('administrator');
}

/**
 * The administrator, signed in, follows a link for `clientId` whose redirect goes to the attacker;
 * the attacker redeems the code and uses the token on themselves. True when it worked.
 */
async function escalateThroughSignIn(clientId: string, scope: string, victim: string): Promise<boolean> {
  const root = new BrowserAgent(gh.url);
  await root.login('root', PASSWORD, '/user/apps');
  const { verifier, challenge } = pkcePair();
  const page = await root.get(
    authorizePath({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: EVIL_CB,
      scope,
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }),
  );
  const code = page.location?.startsWith(EVIL_CB) ? new URL(page.location).searchParams.get('code') : null;
  if (!code) return false;
  const tokens = await form(`${gh.url}/oauth/token`, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    redirect_uri: EVIL_CB,
    code_verifier: verifier,
  });
  if (tokens.status !== 200) return false;
  const self = await userNamed(victim);
  const patched = await call(tokens.body.access_token, 'PATCH', `/users/${self.uid}`, { roles: [...self.roles, 'administrator'] });
  return patched.status === 200;
}

describe('admin API', () => {
  test('the attack: a user holding only "administer clients" cannot make a client act as the administrator', async () => {
    const mallory = await tokenFor('mallory', ['admin:clients']);
    const created = await call(mallory, 'POST', '/clients', { clientId: 'evil', grantTypes: ['client_credentials'], user: 'root', scopes: ['admin:users'] });
    const escalated = created.status === 201 && (await escalate('evil', created.body.secret, 'admin:users', 'mallory'));
    assert.equal(escalated, false, 'mallory made herself administrator');
    assertForbidden(created, 'user', /needs "administer users", which you do not hold/);
    assert.equal(await gh.store.clients.get('evil'), null, 'no client was made');
    assert.deepEqual((await userNamed('mallory')).roles, ['clients_only']);
  });

  test('nor re-point an existing client at another user', async () => {
    const mallory = await tokenFor('mallory', ['admin:clients']);
    assertForbidden(await call(mallory, 'PATCH', '/clients/svc', { user: 'root' }), 'user', /act as "root" needs "administer users"/);
    assert.equal((await gh.store.clients.get('svc'))!.userId, (await userNamed('bob')).uid, 'unchanged');
    // herself, or nobody, she may: her own permissions ∩ its scopes is nothing she lacks
    assert.equal((await call(mallory, 'PATCH', '/clients/svc', { user: 'mallory' })).status, 200);
    assert.equal((await call(mallory, 'PATCH', '/clients/svc', { user: null })).status, 200);
  });

  test('nor give a scope to a client whose user holds what she does not: permission, role and umbrella scopes alike', async () => {
    const max = await tokenFor('max', ['admin:clients', 'profile:read']);
    const scopes = ['profile:read', 'reports'];
    assertForbidden(
      await call(max, 'PATCH', '/clients/root-reader', { scopes: [...scopes, 'admin:users'] }),
      'scopes',
      /would grant "administer users", which you do not hold/,
    );
    assertForbidden(await call(max, 'PATCH', '/clients/root-reader', { scopes: [...scopes, 'editor'] }), 'scopes', /would grant "view user email addresses"/);
    assertForbidden(await call(max, 'PATCH', '/clients/root-reader', { scopes: [...scopes, 'admin-all'] }), 'scopes', /"administer users"/);
    assert.deepEqual((await gh.store.clients.get('root-reader'))!.scopes, scopes, 'unchanged');
    // what he holds he may add; changes that widen nothing he may make
    assert.equal((await call(max, 'PATCH', '/clients/root-reader', { scopes: [...scopes, 'everything'] })).status, 200);
    assert.equal((await call(max, 'PATCH', '/clients/root-reader', { label: 'Reports as root', scopes })).status, 200);
  });

  test('nor take over such a client by rotating its secret or making it confidential', async () => {
    const max = await tokenFor('max', ['admin:clients', 'profile:read']);
    assertForbidden(await call(max, 'POST', '/clients/root-reader/secret'), 'secret', /act as "root" needs "administer users"/);
    const cc = await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basic('root-reader', SECRET) });
    assert.equal(cc.status, 200, 'the old secret still works');
    assertForbidden(
      await call(max, 'PATCH', '/clients/pub-root', { confidential: true, grantTypes: ['client_credentials'] }),
      'confidential',
      /act as "root" needs "administer users"/,
    );
    assert.equal((await gh.store.clients.get('pub-root'))!.confidential, false);
  });

  test('nor send the administrator’s sign-in to her own address: a new redirect URI, skipping consent, a new client', async () => {
    const mallory = await tokenFor('mallory', ['admin:clients']);
    const redirected = await call(mallory, 'PATCH', '/clients/admin-spa', { redirectUris: [SPA_CB, EVIL_CB] });
    const escalated = redirected.status === 200 && (await escalateThroughSignIn('admin-spa', 'admin:users', 'mallory'));
    assert.equal(escalated, false, 'mallory made herself administrator');
    assertForbidden(redirected, 'redirectUris', /This client \(scopes admin:users\) would grant "administer users", which you do not hold/);
    assert.deepEqual((await gh.store.clients.get('admin-spa'))!.redirectUris, [SPA_CB]);
    assertForbidden(await call(mallory, 'PATCH', '/clients/consent-spa', { automaticAuthorization: true }), 'automaticAuthorization', /"administer users"/);
    assertForbidden(
      await call(mallory, 'POST', '/clients', {
        clientId: 'evil-spa',
        confidential: false,
        grantTypes: ['authorization_code'],
        redirectUris: [EVIL_CB],
        scopes: ['admin:users'],
        automaticAuthorization: true,
      }),
      'scopes',
      /"administer users"/,
    );
    // what reaches no further she may change: the label, a redirect URI taken away
    assert.equal((await call(mallory, 'PATCH', '/clients/consent-spa', { label: 'Admin front end (consent)' })).status, 200);
  });

  test('a token narrower than its user hands out only what the token grants', async () => {
    const narrow = await tokenFor('max', ['admin:clients']);
    assertForbidden(
      await call(narrow, 'POST', '/clients', { clientId: 'max-1', user: 'max', scopes: ['profile:read'] }),
      'scopes',
      /would grant "access user profiles"/,
    );
    const wide = await tokenFor('max', ['admin:clients', 'profile:read']);
    assert.equal((await call(wide, 'POST', '/clients', { clientId: 'max-1', user: 'max', scopes: ['profile:read'] })).status, 201);
  });

  test('actAs: acting for other users needs "administer users"; for oneself it does not', async () => {
    const max = await tokenFor('max', ['admin:clients', 'profile:read']);
    assertForbidden(await call(max, 'POST', '/clients', { clientId: 'max-2', actAs: ['root'] }), 'actAs', /act as "root" needs "administer users"/);
    assertForbidden(await call(max, 'POST', '/clients', { clientId: 'max-2', actAs: '*' }), 'actAs', /act as any user needs "administer users"/);
    assertForbidden(await call(max, 'PATCH', '/clients/max-1', { actAs: ['bob'] }), 'actAs', /"bob"/);
    const own = await call(max, 'POST', '/clients', { clientId: 'max-2', user: 'max', actAs: ['max'], scopes: ['profile:read'] });
    assert.equal(own.status, 201, own.text);
    assert.deepEqual(own.body.client.actAs, ['max']);
  });

  test('an administrator holding "administer users" may do all of it', async () => {
    const root = await tokenFor('root', Object.keys(ADMIN_SCOPES));
    const made = await call(root, 'POST', '/clients', { clientId: 'root-made', user: 'root', actAs: '*', scopes: ['admin:users'] });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(made.body.client.actAs, ['*']);
    assert.equal((await call(root, 'POST', '/clients/root-made/secret')).status, 200);
  });

  test('scopes: changing what a scope grants needs what it will grant', async () => {
    const sam = await tokenFor('sam', ['admin:scopes', 'profile:read']);
    // sam runs reports-svc; re-pointing its scope `reports` at "administer users" would make him administrator
    const repointed = await call(sam, 'PUT', '/scopes/reports', { description: 'Read reports', granularity: 'permission', permission: 'administer users' });
    const escalated = repointed.status === 200 && (await escalate('reports-svc', SECRET, 'reports', 'sam'));
    assert.equal(escalated, false, 'sam made himself administrator');
    assertForbidden(repointed, 'permission', /The scope "reports" would grant "administer users", which you do not hold/);
    assert.equal((await gh.store.scopes.get('reports'))!.permission, 'access user profiles', 'unchanged');

    assertForbidden(
      await call(sam, 'PUT', '/scopes/reports', { description: 'x', granularity: 'role', role: 'administrator' }),
      'role',
      /every permission \(the administrator role\)/,
    );
    assertForbidden(
      await call(sam, 'PUT', '/scopes/admin-all:keys', { description: 'Keys (child)', permission: 'administer keys', parent: 'admin-all' }),
      'permission',
      /"administer keys"/,
    );
    assertForbidden(
      await call(sam, 'PUT', '/scopes/users:admin', { description: 'Administer users', permission: 'administer users', grantTypes: ['client_credentials'] }),
      'permission',
      /"administer users"/,
    );
    // what grants nothing new, or what he holds, he may
    assert.equal((await call(sam, 'PUT', '/scopes/users:admin', { description: 'Administer user accounts', permission: 'administer users' })).status, 200);
    assert.equal(
      (await call(sam, 'PUT', '/scopes/profiles:more', { description: 'More profiles', permission: 'access user profiles', parent: 'everything' })).status,
      200,
    );
  });

  test('the OpenAPI document states the rule', async () => {
    const doc = (await request(`${gh.url}/openapi.json`)).body;
    assert.match(doc.paths['/admin/api/v1/clients'].post.description, /403 `forbidden`/);
    assert.match(doc.paths['/admin/api/v1/scopes/{name}'].put.description, /403 `forbidden`/);
  });
});

/** The text of the error shown beside `field` in a console page. */
function fieldError(page: string, field: string): string | undefined {
  return new RegExp(`id="${field}-error" role="alert">([^<]*)<`)
    .exec(page)?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

async function consoleAs(name: string): Promise<{ agent: BrowserAgent; csrf: string }> {
  const agent = new BrowserAgent(gh.url);
  assert.equal((await agent.login(name, PASSWORD, '/admin')).status, 303);
  const page = await agent.get('/admin');
  return { agent, csrf: hiddenField(page.text, 'csrf_token')! };
}

describe('console', () => {
  test('"May also act for": one name per line, shown back as the users’ names', async () => {
    const { agent, csrf } = await consoleAs('root');
    const saved = await agent.post('/admin/clients/new', {
      csrf_token: csrf,
      clientId: 'console-acting',
      status: '1',
      confidential: '1',
      grantTypes: 'client_credentials',
      user: 'root',
      actAs: 'BOB\r\nalice\n',
      pkce: '1',
    });
    assert.equal(saved.status, 303, saved.text.slice(0, 300)); // to the page showing its secret once
    const page = await agent.get('/admin/clients/console-acting');
    assert.match(page.text, /<textarea id="f-actAs" name="actAs" rows="3">alice\nbob<\/textarea>/, 'stored by user (uid order), named as stored');
  });

  test('the attack through the client form: refused beside the default user field', async () => {
    const { agent, csrf } = await consoleAs('mallory');
    const page = await agent.post('/admin/clients/new', {
      csrf_token: csrf,
      clientId: 'evil-form',
      status: '1',
      confidential: '1',
      grantTypes: 'client_credentials',
      user: 'root',
      scopes: 'admin:users',
      pkce: '1',
    });
    const shown = page.status === 303 ? (await agent.get(page.location!)).text : page.text;
    const secret = /id="client-secret" class="secret">([^<]+)</.exec(shown)?.[1];
    const escalated = secret !== undefined && (await escalate('evil-form', secret, 'admin:users', 'mallory'));
    assert.equal(escalated, false, 'mallory made herself administrator');
    assert.equal(page.status, 403, page.text.slice(0, 300));
    assert.match(fieldError(page.text, 'user') ?? '', /act as "root" needs "administer users", which you do not hold/);
    assert.ok(page.text.includes('value="evil-form"'), 'the input is kept');
    assert.equal(await gh.store.clients.get('evil-form'), null);
  });

  test('adding a scope, rotating the secret, re-pointing a scope: each refused with what is missing', async () => {
    const max = await consoleAs('max');
    const client = (await gh.store.clients.get('root-reader'))!;
    const edit = await max.agent.post('/admin/clients/root-reader', {
      csrf_token: max.csrf,
      label: client.label,
      status: '1',
      confidential: '1',
      grantTypes: 'client_credentials',
      user: 'root',
      pkce: '1',
      scopes: 'admin:users',
    });
    assert.equal(edit.status, 403);
    assert.match(fieldError(edit.text, 'scopes') ?? '', /would grant "administer users", which you do not hold/);
    const rotate = await max.agent.post('/admin/clients/root-reader/secret', { csrf_token: max.csrf, confirm: 'yes' });
    assert.equal(rotate.status, 403);
    assert.match(rotate.text, /act as &quot;root&quot; needs &quot;administer users&quot;|act as "root" needs "administer users"/);

    const sam = await consoleAs('sam');
    const scope = await sam.agent.post('/admin/scopes', {
      csrf_token: sam.csrf,
      name: 'reports',
      description: 'Read reports',
      granularity: 'permission',
      permission: 'administer users',
    });
    assert.equal(scope.status, 403);
    assert.match(fieldError(scope.text, 'permission') ?? '', /would grant "administer users", which you do not hold/);
    assert.equal((await gh.store.scopes.get('reports'))!.permission, 'access user profiles');
  });
});
