// test-engines: both
// Races that only the database can settle (runs on SQLite and, in the PostgreSQL pass, on
// PostgreSQL): one refresh token presented many times at once, one code redeemed many times at
// once. Exactly one request wins; the others are treated as replay, which ends the grant.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { codeFor, exchangeCode, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, pkcePair } from '../helpers/browser-http.js';
import { basic, bearer, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse();
});
after(() => gh.close());

const RACERS = 8;

function refresh(token: string) {
  return form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token }, { authorization: basic('backend', SECRET) });
}

test('one refresh token presented 8 times at once: one new pair, the rest are replay and end the family', async () => {
  for (let round = 0; round < 3; round++) {
    const issued = await form(`${gh.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'backend',
      client_secret: SECRET,
      username: 'alice',
      password: PASSWORD,
    });
    assert.equal(issued.status, 200, issued.text);
    const results = await Promise.all(Array.from({ length: RACERS }, () => refresh(issued.body.refresh_token)));
    const won = results.filter((r) => r.status === 200);
    assert.equal(won.length, 1, `exactly one refresh succeeds: ${results.map((r) => r.status).join(',')}`);
    for (const lost of results.filter((r) => r.status !== 200)) {
      assert.equal(lost.status, 400, lost.text);
      assert.equal(lost.body.error, 'invalid_grant');
    }
    // the replay revoked the family: the winner's new refresh token and access token are dead too
    const after = await refresh(won[0].body.refresh_token);
    assert.equal(after.body.error, 'invalid_grant', 'the family was revoked on reuse');
    const introspected = await form(`${gh.url}/oauth/introspect`, { token: won[0].body.access_token }, { authorization: basic('backend', SECRET) });
    assert.equal(introspected.body.active, false, 'the access token of the winning refresh is revoked with its family');
  }
});

test('one authorization code redeemed 8 times at once: one token response, the rest invalid_grant', async () => {
  const agent = new BrowserAgent(gh.url);
  for (let round = 0; round < 3; round++) {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(gh, agent, spaRequest(challenge));
    const results = await Promise.all(Array.from({ length: RACERS }, () => exchangeCode(gh, code, verifier)));
    const won = results.filter((r) => r.status === 200);
    assert.equal(won.length, 1, `exactly one exchange succeeds: ${results.map((r) => `${r.status} ${r.body.error ?? ''}`).join(',')}`);
    for (const lost of results.filter((r) => r.status !== 200)) assert.equal(lost.body.error, 'invalid_grant', lost.text);
    // RFC 9700 §4.5: a code used twice revokes what it issued
    const userinfo = await request(`${gh.url}/oauth/userinfo`, { headers: bearer(won[0].body.access_token) });
    assert.equal(userinfo.status, 401, 'tokens from a replayed code are revoked');
  }
});
