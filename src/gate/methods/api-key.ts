// The `api_key` gate method (issue 12 part 4): a per-user key sent as miniOrange sends it —
// `Authorization: Basic base64(username:key)`, the username then the key's user's — or as
// `X-API-Key: <key>`. A verified key is remembered (by a keyed digest) so the hot path reads no
// database; a key that matches nothing costs a flood-control attempt per client IP, so a key
// guesser meets 429 like a password guesser. Its access: the user's permissions ∩ its scopes'.
import { nowSeconds } from '../../clock.js';
import { effectiveAccess, userPermissions } from '../../domain/access.js';
import { apiKeyState, looksLikeApiKey, parseApiKey } from '../../domain/api-key.js';
import type { User } from '../../domain/user.js';
import { ApiKeySecrets } from '../../crypto/api-key-secrets.js';
import { REALM } from '../../resource/resource-errors.js';
import type { CredentialMethod, GateIdentity, PresentedCredential } from '../credential-method.js';
import { gateDenials } from '../gate-denial.js';
import { RememberedCredentials } from '../remembered-credentials.js';
import { isBasic, parseBasic } from './basic-header.js';
import type { GateMethodDeps } from './index.js';

/** A verified key, as remembered: nothing secret. */
interface VerifiedKey {
  id: string;
  uid: number;
  scopes: string[];
  expiresAt: number | null;
}

/** last_used_at is written at most this often per key (seconds) */
const TOUCH_INTERVAL = 60;
const REMEMBER_MS = 60_000;
const REMEMBER_LIMIT = 10_000;

type ApiKeyDeps = Pick<GateMethodDeps, 'store' | 'database' | 'catalog' | 'flood' | 'clock' | 'secret'>;

/** The key presented, and the user name a Basic header names with it. */
function presentedKey(credential: PresentedCredential): { key: string; userName: string | null } | null {
  if (credential.apiKey !== undefined) return { key: credential.apiKey.trim(), userName: null };
  if (!isBasic(credential.authorization)) return null;
  const basic = parseBasic(credential.authorization);
  return basic && looksLikeApiKey(basic.password) ? { key: basic.password, userName: basic.user } : null;
}

export function apiKeyMethod(deps: ApiKeyDeps): CredentialMethod {
  const secrets = new ApiKeySecrets(deps.secret);
  const remembered = new RememberedCredentials<VerifiedKey>({ clock: deps.clock, ttlMs: REMEMBER_MS, limit: REMEMBER_LIMIT });
  remembered.follow(deps.store);
  const touched = new Map<string, number>();

  /** Reads and checks the key's row; a key matching none keeps its flood attempt as a failure. */
  async function verify(key: string, digest: string, ip: string): Promise<VerifiedKey> {
    const attempt = await deps.flood.reserveApiKeyCheck(ip);
    if ('retryAfter' in attempt) throw gateDenials.tooManyAttempts(attempt.retryAfter);
    const mark = remembered.mark();
    const parsed = parseApiKey(key);
    const row = parsed ? await deps.database.apiKeys.get(parsed.id) : null;
    const matches = secrets.matches(digest, row?.digest ?? null);
    if (!row || !matches || apiKeyState(row, nowSeconds(deps.clock)) !== 'active') throw gateDenials.invalidCredentials();
    await deps.flood.release(attempt);
    const verified = { id: row.id, uid: row.uid, scopes: row.scopes, expiresAt: row.expiresAt };
    remembered.remember(digest, verified, mark);
    return verified;
  }

  /** Records the use, at most once a minute per key, without making the request wait. */
  function touch(id: string): void {
    const now = nowSeconds(deps.clock);
    const last = touched.get(id);
    if (last !== undefined && now - last < TOUCH_INTERVAL) return;
    if (touched.size >= REMEMBER_LIMIT) touched.clear();
    touched.set(id, now);
    deps.database.apiKeys.touch(id, now).catch(() => touched.delete(id));
  }

  function identity(user: User, key: VerifiedKey): GateIdentity {
    const catalog = deps.catalog();
    const permissions = key.scopes.length ? effectiveAccess(user.roles, key.scopes, catalog).permissions : userPermissions(user.roles, catalog);
    return { method: 'api_key', uid: user.uid, userName: user.name, clientId: null, scopes: key.scopes, permissions };
  }

  return {
    name: 'api_key',
    challenge: `Basic realm="${REALM}"`,
    recognises: (credential) => presentedKey(credential) !== null,
    async authenticate(credential) {
      const presented = presentedKey(credential);
      if (!presented) throw gateDenials.invalidCredentials();
      const digest = secrets.digest(presented.key);
      const found = remembered.get(digest);
      // its user changed since (a revoke announces one): read the key's row again
      const key = found && !found.stale ? found.value : await verify(presented.key, digest, credential.ip);
      if (key.expiresAt !== null && key.expiresAt <= nowSeconds(deps.clock)) {
        remembered.forget(digest);
        throw gateDenials.invalidCredentials();
      }
      const user = await deps.store.users.findById(key.uid);
      if (!user) throw gateDenials.invalidCredentials();
      // miniOrange's shape names the user too: it must be the key's own
      if (presented.userName !== null && presented.userName.toLowerCase() !== user.name.toLowerCase()) throw gateDenials.invalidCredentials();
      if (!user.status) throw gateDenials.userBlocked();
      touch(key.id);
      return identity(user, key);
    },
  };
}
