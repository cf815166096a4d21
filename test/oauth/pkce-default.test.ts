// test-engines: both
// PKCE is required by default for every new client, confidential ones too (OAuth 2.1 §4.1.1);
// the consumer field `pkce` may turn it off for a confidential client, never for a public one.
// Clients stored before keep the value they have.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { authorizePath } from '../helpers/authorization.js';
import { BrowserAgent, hiddenField, pkcePair } from '../helpers/browser-http.js';
import { bearer, PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let token: string;
const CB = 'https://conf.example/cb';

before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD });
  token = await adminToken(gh);
});
after(() => gh.close());

const api = (method: string, path: string, body: unknown) =>
  request(`${gh.url}/admin/api/v1${path}`, { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Where an anonymous visitor's authorize request leads: the login page, or back to the client with an error. */
async function authorize(
  clientId: string,
  extra: Record<string, string> = {},
): Promise<{ toLogin: boolean; error: string | null; description: string | null }> {
  const page = await new BrowserAgent(gh.url).get(authorizePath({ response_type: 'code', client_id: clientId, redirect_uri: CB, state: 's', ...extra }));
  assert.equal(page.status, 302, page.text.slice(0, 300));
  const location = new URL(page.location!, gh.url);
  return {
    toLogin: location.pathname === '/user/login',
    error: location.searchParams.get('error'),
    description: location.searchParams.get('error_description'),
  };
}

describe('PKCE by default', () => {
  test('a confidential client created without saying pkce must send a code_challenge', async () => {
    const created = await api('POST', '/clients', { clientId: 'conf-default', grantTypes: ['authorization_code'], redirectUris: [CB] });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.client.pkce, true);
    assert.deepEqual(await authorize('conf-default'), {
      toLogin: false,
      error: 'invalid_request',
      description: 'This client must use PKCE: send code_challenge and code_challenge_method=S256.',
    });
    const { challenge } = pkcePair();
    assert.equal((await authorize('conf-default', { code_challenge: challenge, code_challenge_method: 'S256' })).toLogin, true);
  });

  test('one created with pkce false need not', async () => {
    const created = await api('POST', '/clients', { clientId: 'conf-off', grantTypes: ['authorization_code'], redirectUris: [CB], pkce: false });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.client.pkce, false);
    assert.equal((await authorize('conf-off')).toLogin, true);
  });

  test('a public client can never turn PKCE off: 400 naming the field', async () => {
    for (const [method, path, body] of [
      ['POST', '/clients', { clientId: 'pub-off', confidential: false, grantTypes: ['authorization_code'], redirectUris: [CB], pkce: false }],
      ['PATCH', '/clients/spa', { pkce: false }],
      ['PATCH', '/clients/conf-off', { confidential: false, grantTypes: ['authorization_code'], pkce: false }],
    ] as const) {
      const res = await api(method, path, body);
      assert.equal(res.status, 400, `${method} ${path}: ${res.text}`);
      assert.deepEqual(res.body, {
        error: 'validation_failed',
        field: 'pkce',
        message: 'pkce: cannot be turned off for a public client: PKCE is all that binds its authorization code to it (OAuth 2.1 §4.1.1)',
      });
    }
    assert.equal(await gh.store.clients.get('pub-off'), null);
  });

  test('a confidential client switched to public requires PKCE from then on', async () => {
    const res = await api('PATCH', '/clients/conf-off', { confidential: false });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.pkce, true);
  });

  test('a client stored before keeps its value: no PKCE until someone changes it', async () => {
    const stored = (await gh.store.clients.get('webapp'))!;
    await gh.store.clients.create({ ...stored, clientId: 'legacy', redirectUris: [CB], pkce: false });
    const changed = await api('PATCH', '/clients/legacy', { label: 'Legacy app' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.pkce, false);
    assert.equal((await authorize('legacy')).toLogin, true);
  });

  test('console: the new-client form has PKCE checked; a public client without it is refused beside the field', async () => {
    const agent = new BrowserAgent(gh.url);
    await agent.login('root', PASSWORD, '/admin');
    const form = await agent.get('/admin/clients/new');
    assert.match(form.text, /name="pkce" value="1" checked/);
    const csrf = hiddenField(form.text, 'csrf_token')!;
    const page = await agent.post('/admin/clients/new', {
      csrf_token: csrf,
      clientId: 'pub-form',
      status: '1',
      grantTypes: 'authorization_code',
      redirectUris: CB,
    });
    assert.equal(page.status, 400);
    assert.match(page.text, /id="pkce-error" role="alert">cannot be turned off for a public client/);
  });
});
