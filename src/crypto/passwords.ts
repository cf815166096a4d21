// User passwords: argon2id (OWASP parameters) computed off the event loop, plus the hashes a
// Drupal site brings along — phpass SHA-512 `$S$`, MD5 `$P$`/`$H$`, `U$S$` (D6 migrations) and
// bcrypt `$2y$` — accepted once and upgraded to argon2id on the next login.
import { Algorithm } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { createHash, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Argon2Threads } from './argon2-threads.js';

/** OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. */
const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Longer passwords are refused outright: hashing megabytes is a denial-of-service lever. */
export const MAX_PASSWORD_BYTES = 4096;

/**
 * Argon2 runs on threads of its own at a lower OS priority (argon2-threads.ts), one per core at
 * most, so a burst of logins never takes the CPU from other requests or queues a signature
 * behind it in libuv's pool; further logins wait their turn here instead — a bounded number of them (`maxWaiting`), so a
 * flood of logins is refused at once rather than making everyone wait seconds.
 */
const HASH_SLOTS = Math.max(1, Number(process.env.GATEHOUSE_PASSWORD_CONCURRENCY) || availableParallelism());
let busy = 0;
const waiting: (() => void)[] = [];
const threads = new Argon2Threads(HASH_SLOTS);
const argon2Hash = (password: string, options: typeof ARGON2): Promise<string> => threads.hash(password, options);
const argon2Verify = (hash: string, password: string): Promise<boolean> => threads.verify(hash, password);

/** Every hashing slot is busy and `maxWaiting` checks already wait for one: try again shortly. */
export class PasswordQueueFull extends Error {
  constructor() {
    super('too many password checks are waiting');
  }
}

export interface HashQueueOptions {
  /** refuse (PasswordQueueFull) instead of waiting when this many already wait; unset: always wait */
  maxWaiting?: number;
}

async function withHashSlot<T>(work: () => Promise<T>, options: HashQueueOptions = {}): Promise<T> {
  if (busy >= HASH_SLOTS) {
    if (waiting.length >= (options.maxWaiting ?? Infinity)) throw new PasswordQueueFull();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else busy++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else busy--;
  }
}

export async function hashPassword(password: string, options: HashQueueOptions = {}): Promise<string> {
  return withHashSlot(() => argon2Hash(password, ARGON2), options);
}

let decoy: Promise<string> | null = null;

/** A fixed hash to verify against when there is no account, so both cases take the same time. */
function decoyHash(): Promise<string> {
  decoy ??= argon2Hash('gatehouse decoy password', ARGON2);
  return decoy;
}

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DRUPAL_HASH_LENGTH = 55;
/** Drupal writes 2^15..2^18 rounds; beyond 2^24 a stored hash is treated as hostile (CPU cost). */
const MAX_COUNT_LOG2 = 24;

/** Drupal's _password_base64_encode (phpass's encode64). */
function phpassBase64(input: Buffer): string {
  let output = '';
  let i = 0;
  const count = input.length;
  do {
    let value = input[i++];
    output += ITOA64[value & 0x3f];
    if (i < count) value |= input[i] << 8;
    output += ITOA64[(value >> 6) & 0x3f];
    if (i++ >= count) break;
    if (i < count) value |= input[i] << 16;
    output += ITOA64[(value >> 12) & 0x3f];
    if (i++ >= count) break;
    output += ITOA64[(value >> 18) & 0x3f];
  } while (i < count);
  return output;
}

/** Drupal's _password_crypt, yielding to the event loop between batches of rounds. */
async function phpassCrypt(algorithm: 'sha512' | 'md5', password: string, stored: string): Promise<string | null> {
  const setting = stored.slice(0, 12);
  if (setting[0] !== '$' || setting[2] !== '$') return null;
  const countLog2 = ITOA64.indexOf(setting[3]);
  if (countLog2 < 7 || countLog2 > MAX_COUNT_LOG2) return null;
  const salt = setting.slice(4, 12);
  if (salt.length !== 8) return null;
  const pass = Buffer.from(password, 'utf8');
  let digest = createHash(algorithm).update(salt).update(pass).digest();
  let count = 1 << countLog2;
  while (count > 0) {
    const batch = Math.min(count, 4096);
    for (let i = 0; i < batch; i++) digest = createHash(algorithm).update(digest).update(pass).digest();
    count -= batch;
    if (count > 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const output = setting + phpassBase64(digest);
  const expected = 12 + Math.ceil((8 * digest.length) / 6);
  return output.length === expected ? output.slice(0, DRUPAL_HASH_LENGTH) : null;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function verifyPhpass(password: string, stored: string): Promise<boolean> {
  let hash = stored;
  let input = password;
  if (hash.startsWith('U$')) {
    // Drupal 6 md5 hashes rehashed by Drupal 7's update: phpass over md5(password)
    hash = hash.slice(1);
    input = createHash('md5').update(password, 'utf8').digest('hex');
  }
  const algorithm = hash.startsWith('$S$') ? 'sha512' : hash.startsWith('$P$') || hash.startsWith('$H$') ? 'md5' : null;
  if (!algorithm) return false;
  const computed = await phpassCrypt(algorithm, input, hash);
  return computed !== null && sameText(computed, hash);
}

function needsArgonRehash(hash: string): boolean {
  const params = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(hash);
  if (!params) return true;
  return Number(params[1]) < ARGON2.memoryCost || Number(params[2]) < ARGON2.timeCost;
}

/**
 * Checks a password against a stored hash of any accepted kind. Never throws, except
 * PasswordQueueFull when `options.maxWaiting` is given and reached (nothing was checked).
 */
export async function verifyPassword(password: string, hash: string | null, options: HashQueueOptions = {}): Promise<{ ok: boolean; needsRehash: boolean }> {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return { ok: false, needsRehash: false };
  try {
    if (hash === null || hash === '') {
      const decoyValue = await decoyHash();
      await withHashSlot(() => argon2Verify(decoyValue, password), options);
      return { ok: false, needsRehash: false };
    }
    if (hash.startsWith('$argon2')) {
      const ok = await withHashSlot(() => argon2Verify(hash, password), options);
      return { ok, needsRehash: ok && needsArgonRehash(hash) };
    }
    if (/^\$2[aby]\$\d\d\$/.test(hash)) {
      // PHP writes $2y$; bcryptjs knows the identical $2b$
      const ok = await bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
      return { ok, needsRehash: ok };
    }
    const ok = await verifyPhpass(password, hash);
    return { ok, needsRehash: ok };
  } catch (error) {
    if (error instanceof PasswordQueueFull) throw error;
    return { ok: false, needsRehash: false };
  }
}
