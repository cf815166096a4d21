// test-engines: both
// token_type_hint is a hint (issue 10, finding 15): RFC 7009 §2.1 and RFC 7662 §2.1 — a value the
// server does not know is ignored and the token still looked up, at /oauth/introspect,
// /oauth/revoke and /rest_api/revoke alike, for access and refresh tokens.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, form, PASSWORD, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse();
});
after(() => gh.close());

const UNKNOWN_HINTS = ['id_token', 'bogus', 'Access_Token', 'urn:ietf:params:oauth:token-type:jwt'];
const client = { authorization: basic('backend', SECRET) };

async function tokens(): Promise<{ access_token: string; refresh_token: string }> {
  const res = await form(`${gh.url}/oauth/token`, { grant_type: 'password', username: 'alice', password: PASSWORD, scope: 'profile:read' }, client);
  assert.equal(res.status, 200, res.text);
  return res.body;
}
const active = async (token: string) => (await form(`${gh.url}/oauth/introspect`, { token }, client)).body.active as boolean;

describe('an unknown hint is ignored', () => {
  for (const hint of UNKNOWN_HINTS) {
    test(`/oauth/introspect with token_type_hint=${hint}: access and refresh tokens are found`, async () => {
      const { access_token, refresh_token } = await tokens();
      for (const [token, type] of [
        [access_token, 'Bearer'],
        [refresh_token, 'refresh_token'],
      ]) {
        const res = await form(`${gh.url}/oauth/introspect`, { token, token_type_hint: hint }, client);
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.active, true, `${type}: ${res.text}`);
        assert.equal(res.body.token_type, type);
      }
    });

    test(`/oauth/revoke with token_type_hint=${hint}: 200, and the token is revoked`, async () => {
      const { access_token, refresh_token } = await tokens();
      for (const token of [access_token, refresh_token]) {
        const res = await form(`${gh.url}/oauth/revoke`, { token, token_type_hint: hint }, client);
        assert.equal(res.status, 200, res.text);
        assert.equal(res.text, '');
        assert.equal(await active(token), false);
      }
    });

    test(`/rest_api/revoke with token_type_hint=${hint}: success, and the token is revoked`, async () => {
      const { access_token, refresh_token } = await tokens();
      for (const token of [access_token, refresh_token]) {
        const res = await form(`${gh.url}/rest_api/revoke`, { client_id: 'backend', client_secret: SECRET, token, token_type_hint: hint });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body, { status: 'success', message: 'Token revoked successfully' });
        assert.equal(await active(token), false);
      }
    });
  }
});

test('a known hint that names the other kind still finds the token', async () => {
  const { access_token, refresh_token } = await tokens();
  assert.equal((await form(`${gh.url}/oauth/revoke`, { token: refresh_token, token_type_hint: 'access_token' }, client)).status, 200);
  assert.equal(await active(refresh_token), false);
  assert.equal(await active(access_token), false, "revoking the refresh token took its family's access token");
});
