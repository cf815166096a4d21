// test-engines: both
// Client authentication through the registry of src/oauth/client-auth/ (issue 11 part 3): each
// method accepted or refused by the client's tokenEndpointAuthMethod, at /oauth/token and at the
// miniOrange endpoints alike; one method per request; the same work for an unknown client as for
// a wrong secret at every endpoint; discovery listing exactly the registered methods.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clientAuthMethodNames, clientAuthMethodProblem } from '../../src/oauth/client-auth/index.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { basic, form, PASSWORD, request, SECRET, startGatehouse, type JsonResponse, type Running } from '../helpers/gatehouse.js';

const restricted = (clientId: string, tokenEndpointAuthMethod: string | null, confidential = true) => ({
  clientId,
  confidential,
  ...(confidential ? { secret: SECRET, user: 'alice', grantTypes: ['client_credentials', 'password'] } : { grantTypes: ['password'] }),
  scopes: ['profile:read'],
  tokenEndpointAuthMethod,
});

let gh: Running;
before(async () => {
  gh = await startGatehouse({
    world: {
      ...ADMIN_WORLD,
      clients: [
        ...(ADMIN_WORLD.clients ?? []),
        restricted('any-secret', null),
        restricted('basic-only', 'client_secret_basic'),
        restricted('post-only', 'client_secret_post'),
        restricted('app', null, false),
        restricted('app-none', 'none', false),
      ],
    },
  });
});
after(() => gh?.close());

const token = (fields: Record<string, string>, headers: Record<string, string> = {}) => form(`${gh.url}/oauth/token`, fields, headers);
const cc = { grant_type: 'client_credentials' };
const pw = { grant_type: 'password', username: 'bob', password: PASSWORD };

function refused(res: JsonResponse, hint?: string): void {
  assert.equal(res.status, 401, res.text);
  assert.equal(res.body.error, 'invalid_client');
  assert.equal(res.body.error_description, 'Client authentication failed');
  assert.equal(res.body.hint, hint);
}

describe('/oauth/token: the methods a client may use', () => {
  test('unset, confidential: HTTP Basic or the body, never nothing', async () => {
    assert.equal((await token(cc, { authorization: basic('any-secret', SECRET) })).status, 200);
    assert.equal((await token({ ...cc, client_id: 'any-secret', client_secret: SECRET })).status, 200);
    refused(await token({ ...cc, client_id: 'any-secret' }));
    refused(await token({ ...cc, client_id: 'any-secret', client_secret: 'wrong' }));
  });

  test('client_secret_basic: only HTTP Basic', async () => {
    assert.equal((await token(cc, { authorization: basic('basic-only', SECRET) })).status, 200);
    refused(
      await token({ ...cc, client_id: 'basic-only', client_secret: SECRET }),
      'This client authenticates with client_secret_basic, not client_secret_post.',
    );
    refused(await token({ ...cc, client_id: 'basic-only' }));
    refused(await token(cc, { authorization: basic('basic-only', 'wrong') }));
  });

  test('client_secret_post: only the body; a Basic attempt gets the Basic challenge', async () => {
    assert.equal((await token({ ...cc, client_id: 'post-only', client_secret: SECRET })).status, 200);
    const res = await token(cc, { authorization: basic('post-only', SECRET) });
    refused(res, 'This client authenticates with client_secret_post, not client_secret_basic.');
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="gatehouse"');
  });

  test('public, unset or none: client_id alone, also as Basic without a password; never a secret', async () => {
    for (const clientId of ['app', 'app-none']) {
      assert.equal((await token({ ...pw, client_id: clientId })).status, 200, clientId);
      assert.equal((await token(pw, { authorization: `Basic ${Buffer.from(`${clientId}:`).toString('base64')}` })).status, 200, clientId);
      refused(await token({ ...pw, client_id: clientId, client_secret: SECRET }), 'Public clients authenticate with client_id alone');
      refused(await token(pw, { authorization: basic(clientId, SECRET) }), 'Public clients authenticate with client_id alone');
    }
  });

  test('two methods at once are refused, whichever client', async () => {
    for (const clientId of ['any-secret', 'basic-only', 'post-only']) {
      const res = await token({ ...cc, client_secret: SECRET }, { authorization: basic(clientId, SECRET) });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error, 'invalid_request');
      assert.equal(res.body.error_description, 'Use one client authentication method: HTTP Basic or client_secret in the body, not both.');
    }
  });

  test('introspection and revocation authenticate the same way', async () => {
    const issued = (await token(cc, { authorization: basic('basic-only', SECRET) })).body.access_token;
    const introspect = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      form(`${gh.url}/oauth/introspect`, { token: issued, ...fields }, headers);
    assert.equal((await introspect({}, { authorization: basic('basic-only', SECRET) })).body.active, true);
    refused(
      await introspect({ client_id: 'basic-only', client_secret: SECRET }),
      'This client authenticates with client_secret_basic, not client_secret_post.',
    );
    refused(
      await form(`${gh.url}/oauth/revoke`, { token: issued, client_id: 'basic-only', client_secret: SECRET }),
      'This client authenticates with client_secret_basic, not client_secret_post.',
    );
    assert.equal((await form(`${gh.url}/oauth/revoke`, { token: issued }, { authorization: basic('basic-only', SECRET) })).status, 200);
  });
});

describe('the miniOrange endpoints use the same methods', () => {
  const restApi = (fields: Record<string, string>, headers: Record<string, string> = {}) => form(`${gh.url}/rest_api/access_token`, fields, headers);

  test('a client restricted to HTTP Basic is refused in the body, accepted with Basic', async () => {
    const res = await restApi({ ...cc, client_id: 'basic-only', client_secret: SECRET });
    assert.equal(res.status, 401, res.text);
    assert.deepEqual(res.body, { status: 'error', error: 'INVALID_CLIENT_SECRET', error_description: 'Invalid Client Secret.' });
    const viaBasic = await restApi(cc, { authorization: basic('basic-only', SECRET) });
    assert.equal(viaBasic.status, 200, viaBasic.text);
    assert.equal(viaBasic.body.status, 'success');
  });

  test('a public client: a secret it sends anyway is ignored, as the module ignores it', async () => {
    const res = await restApi({ ...pw, client_id: 'app', client_secret: 'whatever the app was built with' });
    assert.equal(res.status, 200, res.text);
  });

  test('two methods at once: INVALID_REQUEST', async () => {
    const res = await restApi({ ...cc, client_secret: SECRET }, { authorization: basic('any-secret', SECRET) });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error, 'INVALID_REQUEST');
  });
});

describe('an unknown client costs the digest a wrong secret costs, at every endpoint', () => {
  /** counts the secret checks the running instance makes, and against what */
  function countSecretChecks(): { calls: (string | null)[]; restore(): void } {
    const secrets = gh.app.gatehouse.secrets;
    const original = secrets.matches;
    const calls: (string | null)[] = [];
    secrets.matches = function (this: typeof secrets, secret: string, digest: string | null) {
      calls.push(digest);
      return original.call(this, secret, digest);
    };
    return { calls, restore: () => (secrets.matches = original) };
  }

  const endpoints: [string, Record<string, string>][] = [
    ['/oauth/token', cc],
    ['/oauth/introspect', { token: 'x' }],
    ['/oauth/revoke', { token: 'x' }],
    ['/rest_api/access_token', cc],
    ['/rest_api/revoke', { token: 'x' }],
  ];

  for (const [path, fields] of endpoints) {
    test(path, async () => {
      const spy = countSecretChecks();
      try {
        const unknown = await form(`${gh.url}${path}`, { ...fields, client_id: 'no-such-client', client_secret: 'some secret' });
        assert.equal(unknown.status, 401, unknown.text);
        assert.deepEqual(spy.calls, [null], 'one digest, compared with the decoy');
        spy.calls.length = 0;
        const wrong = await form(`${gh.url}${path}`, { ...fields, client_id: 'any-secret', client_secret: 'some secret' });
        assert.equal(wrong.status, 401, wrong.text);
        assert.equal(spy.calls.length, 1, 'one digest, compared with the client’s');
        assert.notEqual(spy.calls[0], null);
        // RFC 6749 gives both one answer; miniOrange's vocabulary names which it was (rows 1.4, 1.5)
        if (path.startsWith('/oauth/')) assert.deepEqual(unknown.body, wrong.body, 'the same answer');
      } finally {
        spy.restore();
      }
    });
  }
});

describe('registration', () => {
  test('discovery lists exactly the registered methods', async () => {
    const metadata = (await request(`${gh.url}/.well-known/openid-configuration`)).body;
    assert.deepEqual(clientAuthMethodNames(), ['client_secret_basic', 'client_secret_post', 'none']);
    assert.deepEqual(metadata.token_endpoint_auth_methods_supported, clientAuthMethodNames());
    assert.deepEqual(metadata.revocation_endpoint_auth_methods_supported, clientAuthMethodNames());
    assert.deepEqual(metadata.introspection_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
  });

  test('a client names a method that fits its type, through the admin API', async () => {
    const auth = { authorization: `Bearer ${await adminToken(gh)}`, 'content-type': 'application/json' };
    const patch = (clientId: string, body: unknown) =>
      request(`${gh.url}/admin/api/v1/clients/${clientId}`, { method: 'PATCH', headers: auth, body: JSON.stringify(body) });
    for (const [clientId, method, problem] of [
      ['any-secret', 'none', 'tokenEndpointAuthMethod: none is for public clients; a confidential client proves itself with its secret'],
      ['app', 'client_secret_post', 'tokenEndpointAuthMethod: client_secret_post is for confidential clients; a public client has no secret (use none)'],
    ]) {
      const res = await patch(clientId, { tokenEndpointAuthMethod: method });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.body, { error: 'validation_failed', message: problem, field: 'tokenEndpointAuthMethod' });
    }
    const unknown = await patch('any-secret', { tokenEndpointAuthMethod: 'private_key_jwt' });
    assert.equal(unknown.status, 400, unknown.text);
    assert.equal(unknown.body.field, 'tokenEndpointAuthMethod');

    const set = await patch('any-secret', { tokenEndpointAuthMethod: 'client_secret_post' });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.tokenEndpointAuthMethod, 'client_secret_post');
    refused(await token(cc, { authorization: basic('any-secret', SECRET) }), 'This client authenticates with client_secret_post, not client_secret_basic.');
    const unset = await patch('any-secret', { tokenEndpointAuthMethod: null });
    assert.equal(unset.body.tokenEndpointAuthMethod, null);
    assert.equal((await token(cc, { authorization: basic('any-secret', SECRET) })).status, 200);
  });

  test('the console offers the registered methods and refuses one that does not fit', async () => {
    const admin = new BrowserAgent(gh.url);
    assert.equal((await admin.login('root', PASSWORD, '/admin')).status, 303);
    const form = await admin.get('/admin/clients/new');
    for (const name of clientAuthMethodNames()) assert.ok(form.text.includes(`<option value="${name}">${name}</option>`), name);
    const csrf = hiddenField(form.text, 'csrf_token')!;
    const fields = { csrf_token: csrf, status: '1', confidential: '1', grantTypes: 'client_credentials', user: 'alice' };
    const wrong = await admin.post('/admin/clients/new', { ...fields, clientId: 'console-made', tokenEndpointAuthMethod: 'none' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /id="tokenEndpointAuthMethod-error" role="alert">none is for public clients/);
    const made = await admin.post('/admin/clients/new', { ...fields, clientId: 'console-made', tokenEndpointAuthMethod: 'client_secret_basic' });
    assert.ok(made.status < 400, made.text.slice(0, 300));
    assert.equal((await gh.store.clients.get('console-made'))?.tokenEndpointAuthMethod, 'client_secret_basic');
    const edit = await admin.get('/admin/clients/console-made');
    assert.ok(edit.text.includes('<option value="client_secret_basic" selected>'), 'shown as set');
  });

  test('the rule a client type follows, as a pure rule', () => {
    assert.equal(clientAuthMethodProblem('client_secret_basic', true), null);
    assert.equal(clientAuthMethodProblem('none', false), null);
    assert.match(
      clientAuthMethodProblem('tls_client_auth', true) ?? '',
      /not a client authentication method Gatehouse supports \(client_secret_basic, client_secret_post, none\)/,
    );
  });
});
