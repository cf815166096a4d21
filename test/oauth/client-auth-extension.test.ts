// test-engines: both
// A new client authentication method is one file that registers itself, plus whatever client field
// it needs (docs/architecture.md, "Client authentication methods"). This test stands in for that
// file: it registers `test_secret_header` — the client's secret in an X-Client-Secret header, not
// shipped — and the token endpoints and discovery take it up with no change of their own.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientAuthMethodProblem, registerClientAuthMethod } from '../../src/oauth/client-auth/index.js';
import { basic, form, request, SECRET, startGatehouse, WORLD, type Running } from '../helpers/gatehouse.js';

registerClientAuthMethod<string>({
  name: 'test_secret_header',
  clientType: 'confidential',
  byDefault: false,
  shownAs: 'the X-Client-Secret header',
  presentIn: (request) => typeof request.headers['x-client-secret'] === 'string',
  read: (request) => ({ clientId: request.params.client_id, credential: request.headers['x-client-secret'] as string }),
  verify: (secret, client, { secrets }) => secrets.matches(secret, client?.secretDigest ?? null),
});

let gh: Running;
before(async () => {
  gh = await startGatehouse({
    world: {
      ...WORLD,
      clients: [
        ...(WORLD.clients ?? []),
        { clientId: 'header-client', secret: SECRET, user: 'alice', grantTypes: ['client_credentials', 'password'], scopes: ['profile:read'] },
      ],
    },
  });
  // the client's field, set the way the admin operations store it (they accept the method: below)
  const services = gh.app.gatehouse;
  const client = await services.store.clients.get('header-client');
  await services.store.clients.update({ ...client!, tokenEndpointAuthMethod: 'test_secret_header' });
});
after(() => gh?.close());

const cc = { grant_type: 'client_credentials' };
const header = (secret: string) => ({ 'x-client-secret': secret });

test('the token endpoint accepts the new method for a client that names it', async () => {
  const res = await form(`${gh.url}/oauth/token`, { ...cc, client_id: 'header-client' }, header(SECRET));
  assert.equal(res.status, 200, res.text);
  const wrong = await form(`${gh.url}/oauth/token`, { ...cc, client_id: 'header-client' }, header('wrong'));
  assert.equal(wrong.status, 401, wrong.text);
  assert.equal(wrong.body.error, 'invalid_client');
});

test('that client may use no other method; other clients may not use it unless they name it', async () => {
  const viaBasic = await form(`${gh.url}/oauth/token`, cc, { authorization: basic('header-client', SECRET) });
  assert.equal(viaBasic.status, 401, viaBasic.text);
  assert.equal(viaBasic.body.hint, 'This client authenticates with test_secret_header, not client_secret_basic.');
  const other = await form(`${gh.url}/oauth/token`, { ...cc, client_id: 'backend' }, header(SECRET));
  assert.equal(other.status, 401, other.text);
  assert.equal(other.body.hint, 'This client authenticates with client_secret_basic or client_secret_post, not test_secret_header.');
});

test('one method per request, the new one included', async () => {
  const res = await form(`${gh.url}/oauth/token`, cc, { authorization: basic('header-client', SECRET), ...header(SECRET) });
  assert.equal(res.status, 400, res.text);
  assert.equal(res.body.error_description, 'Use one client authentication method: HTTP Basic or the X-Client-Secret header, not both.');
});

test('the miniOrange endpoint and discovery follow by themselves', async () => {
  const res = await form(`${gh.url}/rest_api/access_token`, { ...cc, client_id: 'header-client' }, header(SECRET));
  assert.equal(res.status, 200, res.text);
  const metadata = (await request(`${gh.url}/.well-known/oauth-authorization-server`)).body;
  assert.deepEqual(metadata.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none', 'test_secret_header']);
  assert.deepEqual(metadata.introspection_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'test_secret_header']);
});

test('the admin operations accept it for confidential clients only', () => {
  assert.equal(clientAuthMethodProblem('test_secret_header', true), null);
  assert.match(clientAuthMethodProblem('test_secret_header', false) ?? '', /is for confidential clients/);
});
