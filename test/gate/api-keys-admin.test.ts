// test-engines: both
// API keys through the admin API (issue 12 part 4): a user's keys created (the key in that answer
// only, no-store), listed (never a key), revoked (refused by the gate at once); "administer users"
// needed; every wrong input a 4xx naming its field; the OpenAPI document describes them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { bearer, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { setRoutes } from './recording-upstream.js';

let gh: Running;
let token: string;
let aliceUid: number;
const API = '/admin/api/v1';

before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD });
  token = await adminToken(gh);
  aliceUid = (await gh.store.users.findByName('alice'))!.uid;
  await setRoutes(gh, [{ name: 'keyed', path: '/keyed', auth: ['api_key'], permission: 'access user profiles' }]);
});
after(() => gh.close());

function call(method: string, path: string, body?: unknown, as = token) {
  return request(`${gh.url}${API}${path}`, {
    method,
    headers: { ...bearer(as), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const gate = (key: string) => request(`${gh.url}/gate/check`, { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/keyed', 'x-api-key': key } });

describe('admin API: API keys', () => {
  test('create (key once, no-store), list (never the key), use, revoke (refused at once; again: 204)', async () => {
    const created = await call('POST', `/users/${aliceUid}/api-keys`, { label: 'reports', expiresInDays: 7, scopes: ['profile:read'] });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const { apiKey, key } = created.body;
    assert.match(key, /^ghk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(apiKey.userId, aliceUid);
    assert.equal(apiKey.label, 'reports');
    assert.deepEqual(apiKey.scopes, ['profile:read']);
    assert.equal(apiKey.state, 'active');
    assert.equal(apiKey.expiresAt - apiKey.createdAt, 7 * 86_400);
    assert.equal(apiKey.digest, undefined);

    const listed = await call('GET', `/users/${aliceUid}/api-keys`);
    assert.equal(listed.status, 200);
    assert.ok(listed.body.some((k: { id: string }) => k.id === apiKey.id));
    assert.ok(!listed.text.includes(key.slice(17)), 'never the key');
    assert.ok(listed.body.every((k: Record<string, unknown>) => !('key' in k) && !('digest' in k)));

    assert.equal((await gate(key)).status, 200);
    const revoked = await call('DELETE', `/api-keys/${apiKey.id}`);
    assert.equal(revoked.status, 204, revoked.text);
    assert.equal((await gate(key)).status, 401);
    assert.equal((await call('DELETE', `/api-keys/${apiKey.id}`)).status, 204);
    const after = (await call('GET', `/users/${aliceUid}/api-keys`)).body.find((k: { id: string }) => k.id === apiKey.id);
    assert.equal(after.state, 'revoked');

    await gh.app.gatehouse.audit.flush();
    const audit = await gh.store.audit.tail(50);
    const events = audit.filter((a) => a.event.startsWith('admin.api_key.'));
    assert.deepEqual(events.map((a) => a.event).sort(), ['admin.api_key.created', 'admin.api_key.revoked']);
    assert.ok(events.every((a) => a.endpoint === 'admin-api' && a.detail === `alice: ${apiKey.id}`));
    assert.ok(!JSON.stringify(audit).includes(key.slice(17)), 'never the key in the audit log');
  });

  test('an empty body makes an unscoped key that never expires', async () => {
    const created = await request(`${gh.url}${API}/users/${aliceUid}/api-keys`, { method: 'POST', headers: bearer(token) });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.apiKey.scopes, []);
    assert.equal(created.body.apiKey.expiresAt, null);
    assert.equal(created.body.apiKey.label, '');
  });

  test('wrong input: 400 naming the field; unknown user or key: 404', async () => {
    const cases: [unknown, string][] = [
      [{ scopes: ['nope'] }, 'scopes'],
      [{ expiresInDays: 0 }, 'expiresInDays'],
      [{ expiresInDays: 3651 }, 'expiresInDays'],
      [{ expiresInDays: 1.5 }, 'expiresInDays'],
      [{ label: 'x'.repeat(129) }, 'label'],
      [{ label: 'nul\u0000' }, 'label'],
      [{ key: 'ghk_mine' }, 'key'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', `/users/${aliceUid}/api-keys`, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.error, 'validation_failed');
      assert.equal(res.body.field, field, JSON.stringify(res.body));
    }
    assert.equal((await call('POST', '/users/0/api-keys', {})).status, 400);
    assert.equal((await call('POST', '/users/999999/api-keys', {})).status, 404);
    assert.equal((await call('GET', '/users/999999/api-keys')).status, 404);
    for (const id of ['aaaaaaaaaaaa', 'ghk_x', '%00']) assert.equal((await call('DELETE', `/api-keys/${id}`)).status, 404, id);
  });

  test('without "administer users": 403, nothing made', async () => {
    const clientsOnly = await adminToken(gh, ['admin:clients']);
    const before = (await call('GET', `/users/${aliceUid}/api-keys`)).body.length;
    assert.equal((await call('POST', `/users/${aliceUid}/api-keys`, {}, clientsOnly)).status, 403);
    assert.equal((await call('GET', `/users/${aliceUid}/api-keys`, undefined, clientsOnly)).status, 403);
    const someKey = (await call('GET', `/users/${aliceUid}/api-keys`)).body[0].id;
    assert.equal((await call('DELETE', `/api-keys/${someKey}`, undefined, clientsOnly)).status, 403);
    assert.equal((await call('GET', `/users/${aliceUid}/api-keys`)).body.length, before);
  });

  test('the OpenAPI document describes the three operations and their schemas', async () => {
    const doc = (await request(`${gh.url}/openapi.json`)).body;
    assert.ok(doc.paths[`${API}/users/{uid}/api-keys`].get);
    assert.ok(doc.paths[`${API}/users/{uid}/api-keys`].post);
    assert.ok(doc.paths[`${API}/api-keys/{id}`].delete);
    for (const schema of ['ApiKey', 'ApiKeyInput', 'ApiKeyCreated']) assert.ok(doc.components.schemas[schema], schema);
  });
});
