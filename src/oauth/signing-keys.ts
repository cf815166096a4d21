// The signing-key lifecycle: a current key per use on first start, rotation that keeps the old
// public key published until every token it signed has expired.
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { DEFAULT_ALG, generateSigningKey, type SigningAlg } from '../crypto/keys.js';
import { DEFAULT_ACCESS_TOKEN_EXPIRATION } from '../domain/client.js';
import type { KeyUse, SigningKeyRow, Store } from '../store/store.js';
import { isWriteConflict } from '../store/write-conflict.js';

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
    try {
      await store.keys.insert(key);
      created.push(key);
    } catch (error) {
      // another instance starting at the same moment made it first; its key serves
      if (!isWriteConflict(error)) throw error;
    }
  }
  return created;
}

/** How long a retired key must stay published: the longest lifetime a token it signed can have. */
async function retirementHorizon(store: Store, use: KeyUse): Promise<number> {
  if (use === 'id') return ID_TOKEN_HORIZON;
  const clients = await store.clients.list();
  return Math.max(DEFAULT_ACCESS_TOKEN_EXPIRATION, ...clients.map((c) => c.accessTokenExpiration));
}

/**
 * Makes a new current key for `use`: the published `next` key when there is one (resource
 * servers already know it), else a fresh one. The previous current key retires but stays
 * published until every token it signed has expired.
 */
export async function rotateSigningKey(
  store: Store,
  masterSecret: string,
  clock: Clock,
  use: KeyUse,
  alg?: SigningAlg,
  /** the current key the caller decided to rotate: when another process rotated it meanwhile, its key is kept */
  expectedCurrent?: string,
): Promise<SigningKeyRow> {
  const now = nowSeconds(clock);
  const horizon = await retirementHorizon(store, use);
  const rows = await store.keys.list();
  const current = rows.find((r) => r.use === use && r.state === 'current');
  if (expectedCurrent !== undefined && current && current.kid !== expectedCurrent) return current;
  const wanted = alg ?? (current?.alg as SigningAlg | undefined) ?? DEFAULT_ALG[use];
  const next = rows.find((r) => r.use === use && r.state === 'next' && r.alg === wanted);
  const promoted = next ? { ...next, state: 'current' as const, activatedAt: now } : await generateSigningKey(wanted, use, 'current', masterSecret, now);
  try {
    await promote(store, use, promoted, next, now, horizon, current?.kid);
  } catch (error) {
    if (error instanceof RotatedMeanwhile) return error.winner;
    // two rotations at once (two administrators, two instances): the one-current index lets one
    // win; the loser's request is met by the winner's new key, not by rotating a second time
    // (that key would sign without having been published ahead)
    if (!isWriteConflict(error)) throw error;
    const winner = (await store.keys.list()).find((r) => r.use === use && r.state === 'current');
    if (!winner || winner.kid === current?.kid) throw error;
    return winner;
  }
  return promoted;
}

/** Another process made a new current key between this one's read and its transaction. */
class RotatedMeanwhile extends Error {
  constructor(readonly winner: SigningKeyRow) {
    super('rotated meanwhile');
  }
}

async function promote(
  store: Store,
  use: KeyUse,
  promoted: SigningKeyRow,
  next: SigningKeyRow | undefined,
  now: number,
  horizon: number,
  readCurrent: string | undefined,
): Promise<void> {
  await store.transaction(async (tx) => {
    // a rotation that began after another had committed would retire the key that rotation
    // just promoted and sign with one never published ahead: it keeps the other's key instead
    const winner = (await tx.keys.list()).find((r) => r.use === use && r.state === 'current' && r.kid !== readCurrent);
    if (winner) throw new RotatedMeanwhile(winner);
    for (const row of await tx.keys.list()) {
      if (row.use === use && row.state === 'current') {
        await tx.keys.update(row.kid, { state: 'retired', retiredAt: now, publishUntil: now + horizon + SKEW_SECONDS });
      }
    }
    // a next key of another algorithm never signed anything: it leaves with no grace period
    for (const row of await tx.keys.list()) {
      if (row.use === use && row.state === 'next' && row.kid !== next?.kid) {
        await tx.keys.update(row.kid, { state: 'retired', retiredAt: now, publishUntil: now + SKEW_SECONDS });
      }
    }
    if (next) await tx.keys.update(next.kid, { state: 'current', activatedAt: now });
    else await tx.keys.insert(promoted);
  });
}

export interface RotationSettings {
  /** rotate the current key this many days after it became current; 0 = never by itself */
  everyDays: number;
  /** publish the next key this many seconds before it starts signing */
  publishAhead: number;
}

/**
 * Scheduled key upkeep: publishes each use's next key ahead of its rotation, rotates when due,
 * and drops retired keys whose last token has expired. Returns what it did, for the log.
 */
export async function maintainSigningKeys(store: Store, masterSecret: string, clock: Clock, settings: RotationSettings): Promise<string[]> {
  const done: string[] = [];
  for (const key of await ensureSigningKeys(store, masterSecret, clock)) done.push(`created ${key.use} key ${key.kid}`);
  if (settings.everyDays > 0) {
    const now = nowSeconds(clock);
    for (const use of ['access', 'id'] as const) {
      const rows = await store.keys.list();
      const current = rows.filter((r) => r.use === use && r.state === 'current').sort((a, b) => (b.activatedAt ?? 0) - (a.activatedAt ?? 0))[0];
      if (!current) continue;
      const due = (current.activatedAt ?? current.createdAt) + settings.everyDays * 86_400;
      const alg = current.alg as SigningAlg;
      // every instance runs this; when two do at once, the database's one-current-one-next
      // indexes let one win and the other finds its work done on the next round
      try {
        if (now >= due - settings.publishAhead && !rows.some((r) => r.use === use && r.state === 'next' && r.alg === alg)) {
          const next = await generateSigningKey(alg, use, 'next', masterSecret, now);
          await store.keys.insert(next);
          done.push(`published next ${use} key ${next.kid}`);
        }
        if (now >= due) {
          const key = await rotateSigningKey(store, masterSecret, clock, use, alg, current.kid);
          done.push(`rotated ${use} key: ${key.kid} now signs`);
        }
      } catch (error) {
        if (!isWriteConflict(error)) throw error;
        done.push(`another instance changed the ${use} keys at the same moment; left as it made them`);
      }
    }
  }
  const removed = await store.keys.deleteUnpublished(nowSeconds(clock));
  if (removed) done.push(`removed ${removed} retired key(s) whose tokens have all expired`);
  return done;
}
