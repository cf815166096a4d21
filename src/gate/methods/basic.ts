// The `basic` gate method (issue 12 part 4, miniOrange's "Basic Authentication"):
// `Authorization: Basic base64(username:password)` with the user's own password, checked by the
// login's UserAuthenticator (flood control reserved before the hash, the same work for unknown
// users, blocked users refused). A success is remembered for a minute by a keyed digest of the
// header (src/gate/remembered-credentials.ts), so a busy route is not capped at the hash rate;
// a new password, a block or new roles forget it at once.
import { userPermissions } from '../../domain/access.js';
import type { User } from '../../domain/user.js';
import { deriveKey, keyedDigest } from '../../crypto/secrets.js';
import { OAuthFailure } from '../../oauth/oauth-failure.js';
import { REALM } from '../../resource/resource-errors.js';
import type { CredentialMethod, GateIdentity, PresentedCredential } from '../credential-method.js';
import { GateDenial, gateDenials } from '../gate-denial.js';
import { RememberedCredentials } from '../remembered-credentials.js';
import { isBasic, parseBasic } from './basic-header.js';
import type { GateMethodDeps } from './index.js';
import { looksLikeApiKey } from '../../domain/api-key.js';

const REMEMBER_MS = 60_000;
const REMEMBER_LIMIT = 10_000;

type BasicDeps = Pick<GateMethodDeps, 'store' | 'database' | 'catalog' | 'passwords' | 'clock' | 'secret'>;

/** What a remembered Basic credential proved: whose it was, and the account as it was then. */
interface ProvenUser {
  uid: number;
  /** keyed digest of the password hash, status, roles and change time checked against */
  account: string;
}

/** The password check's refusals, in the gate's words. */
function denial(error: unknown): unknown {
  if (!(error instanceof OAuthFailure)) return error;
  switch (error.reason) {
    case 'too_many_attempts':
      return gateDenials.tooManyAttempts(error.detail.retryAfter ?? 1);
    case 'server_busy':
      return new GateDenial(429, 'TOO_MANY_ATTEMPTS', error.message, error.detail.retryAfter ?? 1);
    case 'user_blocked':
      return gateDenials.userBlocked();
    default:
      return gateDenials.invalidCredentials();
  }
}

export function basicMethod(deps: BasicDeps): CredentialMethod {
  const key = deriveKey(deps.secret, 'gate-basic-remembered');
  const remembered = new RememberedCredentials<ProvenUser>({ clock: deps.clock, ttlMs: REMEMBER_MS, limit: REMEMBER_LIMIT });
  remembered.follow(deps.store);

  function identity(user: User): GateIdentity {
    return { method: 'basic', uid: user.uid, userName: user.name, clientId: null, scopes: [], permissions: userPermissions(user.roles, deps.catalog()) };
  }

  /** What must not have changed for a remembered password to stand (nothing of it kept in clear). */
  function account(user: User): string {
    return keyedDigest(key, JSON.stringify([user.passHash, user.status, user.roles, user.changed]));
  }

  /** The full check; remembered with the account as read back after it. */
  async function check(authorization: string, ip: string, digest: string): Promise<User> {
    const basic = parseBasic(authorization);
    if (!basic) throw gateDenials.invalidCredentials();
    let user: User;
    try {
      user = await deps.passwords.authenticate(basic.user, basic.password, ip);
    } catch (error) {
      throw denial(error);
    }
    // a password, status or roles change committed after the check read the user shows here;
    // one heard after this mark leaves the entry stale, to be validated at its next use
    const mark = remembered.mark();
    const now = await deps.database.users.findById(user.uid);
    if (now?.status && account(now) === account(user)) remembered.remember(digest, { uid: user.uid, account: account(now) }, mark);
    return now ?? user;
  }

  /** The remembered user, after validating a stale entry against the database; null: check the password. */
  async function rememberedUser(digest: string): Promise<User | null> {
    const found = remembered.get(digest);
    if (!found) return null;
    if (!found.stale) return deps.store.users.findById(found.value.uid);
    const mark = remembered.mark();
    const user = await deps.database.users.findById(found.value.uid);
    if (!user || account(user) !== found.value.account) {
      remembered.forget(digest);
      return null;
    }
    remembered.confirm(digest, mark);
    return user;
  }

  return {
    name: 'basic',
    challenge: `Basic realm="${REALM}"`,
    recognises: (credential: PresentedCredential) => {
      if (credential.apiKey !== undefined || !isBasic(credential.authorization)) return false;
      const basic = parseBasic(credential.authorization);
      return !(basic && looksLikeApiKey(basic.password));
    },
    async authenticate(credential: PresentedCredential): Promise<GateIdentity> {
      const authorization = credential.authorization;
      if (!isBasic(authorization)) throw gateDenials.invalidCredentials();
      const digest = keyedDigest(key, authorization);
      const user = await rememberedUser(digest);
      if (!user) return identity(await check(authorization, credential.ip, digest));
      if (!user.status) {
        remembered.forget(digest);
        throw gateDenials.userBlocked();
      }
      return identity(user);
    },
  };
}
