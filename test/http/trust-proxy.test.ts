// X-Forwarded-For is not believed unless GATEHOUSE_TRUST_PROXY says a proxy sets it (RFC 9700
// §4.13): by default the client IP that flood control, rate limits and the audit log see is the
// TCP peer's, so a client cannot pick a fresh address per guess by sending the header itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { form, startGatehouse } from '../helpers/gatehouse.js';

/** Six wrong passwords for one user, each claiming another address; the statuses. */
async function sixGuesses(trustProxy: boolean): Promise<number[]> {
  const gh = await startGatehouse({ config: { trustProxy } });
  try {
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const res = await form(
        `${gh.url}/oauth/token`,
        { grant_type: 'password', client_id: 'mobile', username: 'bob', password: `wrong-${i}` },
        { 'x-forwarded-for': `198.51.100.${i}` },
      );
      statuses.push(res.status);
    }
    return statuses;
  } finally {
    await gh.close();
  }
}

test('by default the header is ignored: the sixth guess from "another address" is still refused 429', async () => {
  assert.deepEqual(await sixGuesses(false), [400, 400, 400, 400, 400, 429]);
});

test('with GATEHOUSE_TRUST_PROXY the header names the client, so the same guesses count per address', async () => {
  assert.deepEqual(await sixGuesses(true), [400, 400, 400, 400, 400, 400]);
});
