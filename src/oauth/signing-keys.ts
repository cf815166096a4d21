// The signing-key lifecycle: a current key per use on first start, rotation that keeps the old
// public key published until every token it signed has expired.
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { DEFAULT_ALG, generateSigningKey, type SigningAlg } from '../crypto/keys.js';
import { DEFAULT_ACCESS_TOKEN_EXPIRATION } from '../domain/client.js';
import type { KeyUse, SigningKeyRow, Store } from '../store/store.js';

/** Tolerated clock skew between Gatehouse and resource servers, added to every retirement. */
const SKEW_SECONDS = 60;
/** id tokens are checked once, at login; a day covers any id-token lifetime we allow */
const ID_TOKEN_HORIZON = 86_400;

/** Creates the missing current keys (ES256 for access tokens, RS256 for id tokens). */
export async function ensureSigningKeys(store: Store, masterSecret: string, clock: Clock): Promise<SigningKeyRow[]> {
  const rows = await store.keys.list();
  const created: SigningKeyRow[] = [];
  for (const use of ['access', 'id'] as const) {
    if (rows.some((r) => r.use === use && r.state === 'current')) continue;
    const key = await generateSigningKey(DEFAULT_ALG[use], use, 'current', masterSecret, nowSeconds(clock));
    await store.keys.insert(key);
    created.push(key);
  }
  return created;
}

/** How long a retired key must stay published: the longest lifetime a token it signed can have. */
async function retirementHorizon(store: Store, use: KeyUse): Promise<number> {
  if (use === 'id') return ID_TOKEN_HORIZON;
  const clients = await store.clients.list();
  return Math.max(DEFAULT_ACCESS_TOKEN_EXPIRATION, ...clients.map((c) => c.accessTokenExpiration));
}

/** Makes a new current key for `use`; the previous current key retires but stays published. */
export async function rotateSigningKey(store: Store, masterSecret: string, clock: Clock, use: KeyUse, alg?: SigningAlg): Promise<SigningKeyRow> {
  const now = nowSeconds(clock);
  const horizon = await retirementHorizon(store, use);
  const fresh = await generateSigningKey(alg ?? DEFAULT_ALG[use], use, 'current', masterSecret, now);
  await store.transaction(async (tx) => {
    for (const row of await tx.keys.list()) {
      if (row.use === use && row.state === 'current') {
        await tx.keys.update(row.kid, { state: 'retired', retiredAt: now, publishUntil: now + horizon + SKEW_SECONDS });
      }
    }
    await tx.keys.insert(fresh);
  });
  return fresh;
}
