// test-engines: both
// Token lifecycle through HTTP: introspection (RFC 7662), revocation (RFC 7009 and miniOrange's
// shape), revocation that holds, key rotation without a valid token failing, cleanup.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPERATOR } from '../../src/admin/actor.js';
import { upsertClient } from '../../src/admin/clients.js';
import { rotateSigningKey } from '../../src/oauth/signing-keys.js';
import { basic, bearer, decodeJwt, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { tokenFor } from '../helpers/tokens.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse({ config: { keyRotation: { everyDays: 1, publishAhead: 3600 } } });
});
after(() => gh.close());

const introspect = (fields: Record<string, string>, headers: Record<string, string> = { authorization: basic('backend', SECRET) }) =>
  form(`${gh.url}/oauth/introspect`, fields, headers);
const revoke = (fields: Record<string, string>, headers: Record<string, string> = { authorization: basic('backend', SECRET) }) =>
  form(`${gh.url}/oauth/revoke`, fields, headers);
const debug = (token: string) => request(`${gh.url}/oauth/debug`, { headers: bearer(token) });

async function passwordTokens(client = 'backend'): Promise<{ access_token: string; refresh_token: string }> {
  const res = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: client,
    ...(client === 'backend' ? { client_secret: SECRET } : {}),
    username: 'alice',
    password: PASSWORD,
    scope: 'profile:read',
  });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

describe('introspection', () => {
  test('requires a confidential client', async () => {
    const token = await tokenFor(gh, 'alice', 'profile:read');
    assert.equal((await introspect({ token }, {})).status, 400, 'no client at all: invalid_request');
    const bad = await introspect({ token }, { authorization: basic('backend', 'wrong') });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error, 'invalid_client');
    const pub = await introspect({ token, client_id: 'mobile' }, {});
    assert.equal(pub.status, 401);
    assert.equal((await introspect({})).body.error, 'invalid_request');
  });

  test('an active access token: its claims and user name', async () => {
    const token = await tokenFor(gh, 'alice', 'profile:read');
    const res = await introspect({ token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const claims = decodeJwt(token).claims;
    assert.deepEqual(res.body, {
      active: true,
      scope: 'profile:read',
      client_id: 'backend',
      username: 'alice',
      token_type: 'Bearer',
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.nbf,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      jti: claims.jti,
    });
    // another confidential client (a resource server) may introspect it too
    const other = await introspect({ token }, { authorization: basic('script', SECRET) });
    assert.equal(other.body.active, true);
  });

  test('refresh tokens: to their own client only', async () => {
    const { refresh_token } = await passwordTokens();
    const own = await introspect({ token: refresh_token, token_type_hint: 'refresh_token' });
    assert.equal(own.body.active, true);
    assert.equal(own.body.token_type, 'refresh_token');
    assert.equal(own.body.username, 'alice');
    assert.deepEqual((await introspect({ token: refresh_token }, { authorization: basic('script', SECRET) })).body, { active: false });
  });

  test('inactive: expired, revoked, unknown, malformed, a wrong hint does not matter', async () => {
    const token = await tokenFor(gh, 'alice', 'profile:read');
    assert.equal((await introspect({ token, token_type_hint: 'refresh_token' })).body.active, true, 'the hint orders the search, it does not end it');
    assert.equal((await introspect({ token, token_type_hint: 'bogus' })).body.active, true);
    for (const garbage of ['x', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.', 'x'.repeat(2000)])
      assert.deepEqual((await introspect({ token: garbage })).body, { active: false });
    gh.clock.advance(301);
    try {
      assert.deepEqual((await introspect({ token })).body, { active: false });
    } finally {
      gh.clock.advance(-301);
    }
    await revoke({ token });
    assert.deepEqual((await introspect({ token })).body, { active: false });
  });
});

describe('revocation', () => {
  test('an access token: 200, then refused everywhere', async () => {
    const token = await tokenFor(gh, 'alice', 'profile:read');
    assert.equal((await debug(token)).status, 200);
    const res = await revoke({ token, token_type_hint: 'access_token' });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal((await debug(token)).status, 401);
  });

  test('a refresh token revokes its family and the access tokens issued from it', async () => {
    const first = await passwordTokens();
    const second = (
      await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token: first.refresh_token })
    ).body;
    assert.equal((await revoke({ token: second.refresh_token })).status, 200);
    assert.equal((await debug(second.access_token)).status, 401);
    assert.equal((await debug(first.access_token)).status, 401);
    const again = await form(`${gh.url}/oauth/token`, {
      grant_type: 'refresh_token',
      client_id: 'backend',
      client_secret: SECRET,
      refresh_token: second.refresh_token,
    });
    assert.equal(again.body.error, 'invalid_grant');
  });

  test("another client's token: 200 and no effect", async () => {
    const token = await tokenFor(gh, 'alice', 'profile:read');
    assert.equal((await revoke({ token }, { authorization: basic('script', SECRET) })).status, 200);
    assert.equal((await debug(token)).status, 200);
  });

  test('public clients revoke with client_id alone; unknown tokens get 200', async () => {
    const { refresh_token } = await passwordTokens('mobile');
    assert.equal((await revoke({ token: refresh_token, client_id: 'mobile' }, {})).status, 200);
    assert.equal((await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', client_id: 'mobile', refresh_token })).body.error, 'invalid_grant');
    assert.equal((await revoke({ token: 'never-issued' })).status, 200);
  });

  test('bad requests: missing token, no client authentication (an unknown hint is no error: RFC 7009 §2.1)', async () => {
    assert.equal((await revoke({ token: 'x', token_type_hint: 'id_token' })).status, 200);
    assert.equal((await revoke({})).body.error, 'invalid_request');
    assert.equal((await revoke({ token: 'x' }, { authorization: basic('backend', 'nope') })).status, 401);
  });

  test('POST /rest_api/revoke answers in miniOrange shape', async () => {
    const token = await tokenFor(gh, 'alice', 'profile:read');
    const ok = await form(`${gh.url}/rest_api/revoke`, { client_id: 'backend', client_secret: SECRET, token });
    assert.deepEqual(ok.body, { status: 'success', message: 'Token revoked successfully' });
    assert.equal((await debug(token)).status, 401);
    const missing = await form(`${gh.url}/rest_api/revoke`, { client_id: 'backend', client_secret: SECRET });
    assert.deepEqual(missing.body, { status: 'error', error: 'MISSING_PARAMETER', error_description: 'The token parameter is missing from the request' });
    const secret = await form(`${gh.url}/rest_api/revoke`, { client_id: 'backend', client_secret: 'nope', token });
    assert.equal(secret.body.error, 'INVALID_CLIENT_SECRET');
    const client = await form(`${gh.url}/rest_api/revoke`, { client_id: 'nope', token });
    assert.equal(client.body.error, 'INVALID_CLIENT_ID');
    assert.equal((await request(`${gh.url}/rest_api/revoke`)).body.error, 'INVALID_HTTP_METHOD');
  });

  test('disabling a client or rotating its secret revokes its tokens', async () => {
    const token = (await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'script', client_secret: SECRET })).body.access_token;
    assert.equal((await debug(token)).status, 200);
    const newSecret = 'a-brand-new-secret-for-the-script-client-0001';
    await upsertClient(gh.admin, { clientId: 'script', secret: newSecret }, OPERATOR);
    await gh.app.gatehouse.revocations.refresh();
    assert.equal((await debug(token)).status, 401, 'secret rotated');
    gh.clock.tick();
    const fresh = (await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'script', client_secret: newSecret })).body.access_token;
    assert.equal(
      (await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'script', client_secret: SECRET })).status,
      401,
      'old secret refused',
    );
    assert.equal((await debug(fresh)).status, 200);
    await upsertClient(gh.admin, { clientId: 'script', status: false }, OPERATOR);
    await gh.app.gatehouse.revocations.refresh();
    assert.equal((await debug(fresh)).status, 401, 'client disabled');
    assert.equal((await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'script', client_secret: newSecret })).status, 401);
    await upsertClient(gh.admin, { clientId: 'script', status: true, secret: SECRET }, OPERATOR);
  });
});

describe('signing keys', () => {
  test('a manual rotation: tokens signed with the old key keep working until they expire', async () => {
    const before = await tokenFor(gh, 'alice', 'profile:read');
    const oldKid = decodeJwt(before).header.kid;
    const key = await rotateSigningKey(gh.store, gh.config.secret, gh.clock, 'access');
    await gh.app.gatehouse.reload();
    const afterToken = await tokenFor(gh, 'alice', 'profile:read');
    assert.equal(decodeJwt(afterToken).header.kid, key.kid);
    assert.notEqual(key.kid, oldKid);
    assert.equal((await debug(before)).status, 200, 'old key still verifies');
    assert.equal((await debug(afterToken)).status, 200);
    const kids = (await request(`${gh.url}/oauth/jwks`)).body.keys.map((k: { kid: string }) => k.kid);
    assert.ok(kids.includes(oldKid) && kids.includes(key.kid));
    // once every token of the old key has expired, the key leaves the JWKS
    gh.clock.advance(3600);
    try {
      await gh.app.gatehouse.maintenance.run();
      await gh.app.gatehouse.reload();
      const later = (await request(`${gh.url}/oauth/jwks`)).body.keys.map((k: { kid: string }) => k.kid);
      assert.ok(!later.includes(oldKid), 'retired key dropped');
      assert.ok(later.includes(key.kid));
    } finally {
      gh.clock.advance(-3600);
    }
  });

  test('scheduled rotation publishes the next key ahead, then signs with it', async () => {
    const current = (await gh.store.keys.list()).find((k) => k.use === 'access' && k.state === 'current')!;
    const due = (current.activatedAt! + 86_400) * 1000;
    const start = gh.clock.now();
    try {
      gh.clock.set(due - 1800 * 1000);
      await gh.app.gatehouse.maintenance.run();
      await gh.app.gatehouse.reload();
      const next = (await gh.store.keys.list()).find((k) => k.use === 'access' && k.state === 'next');
      assert.ok(next, 'next key made half an hour before rotation');
      assert.ok(
        (await request(`${gh.url}/oauth/jwks`)).body.keys.some((k: { kid: string }) => k.kid === next.kid),
        'and published',
      );
      gh.clock.set(due - 10_000);
      const stillOld = await tokenFor(gh, 'alice', 'profile:read');
      assert.equal(decodeJwt(stillOld).header.kid, current.kid, 'the next key is published, not yet used');
      gh.clock.set(due + 1000);
      await gh.app.gatehouse.maintenance.run();
      await gh.app.gatehouse.reload();
      const rotated = await tokenFor(gh, 'alice', 'profile:read');
      assert.equal(decodeJwt(rotated).header.kid, next.kid);
      assert.equal((await debug(stillOld)).status, 200, 'a token of the previous key still works');
    } finally {
      gh.clock.set(start);
    }
  });
});

test('cleanup deletes expired rows in batches', async () => {
  const now = Math.floor(gh.clock.now() / 1000);
  await gh.store.revocations.add(Array.from({ length: 2500 }, (_, i) => ({ kind: 'jti' as const, subject: `old-${i}`, at: 0, expiresAt: now - 10 })));
  assert.ok('reserved' in (await gh.store.flood.reserve([{ event: 'test', identifier: 'x', limit: 1, window: 50 }], now - 100)));
  const deleted = await gh.app.gatehouse.maintenance.cleanup();
  assert.ok((deleted.revocations ?? 0) >= 2500, JSON.stringify(deleted));
  assert.equal(deleted.flood, 1);
  assert.deepEqual(await gh.app.gatehouse.maintenance.cleanup(), {}, 'nothing left the second time');
});

test('the audit log records issuance, refresh, revocation and failures', async () => {
  const { refresh_token } = await passwordTokens();
  await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', client_id: 'backend', client_secret: SECRET, refresh_token });
  await form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username: 'alice', password: 'wrong-one' });
  await revoke({ token: refresh_token });
  await gh.app.gatehouse.audit.flush();
  const events = (await gh.store.audit.tail(50)).map((e) => `${e.event}:${e.outcome}`);
  for (const e of ['token.issued:success', 'token.refreshed:success', 'token.failed:failure', 'token.revoked:success']) assert.ok(events.includes(e), e);
  const all = JSON.stringify(await gh.store.audit.tail(500));
  assert.ok(!all.includes(refresh_token) && !all.includes(PASSWORD) && !all.includes(SECRET), 'no secret in the audit log');
});
