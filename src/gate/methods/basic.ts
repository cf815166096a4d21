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

/** What a remembered Basic credential proved: only whose it was. */
interface ProvenUser {
  uid: number;
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

  /** The full check; remembered only if the user read back is still the one the password was checked against. */
  async function check(authorization: string, ip: string, digest: string): Promise<User> {
    const basic = parseBasic(authorization);
    if (!basic) throw gateDenials.invalidCredentials();
    let user: User;
    try {
      user = await deps.passwords.authenticate(basic.user, basic.password, ip);
    } catch (error) {
      throw denial(error);
    }
    // a password, status or roles change that committed after the check read the user is seen
    // here; one after this mark forgets the user and refuses the entry
    const mark = remembered.mark();
    const now = await deps.database.users.findById(user.uid);
    if (now?.status && now.passHash === user.passHash && now.roles.join() === user.roles.join()) remembered.remember(digest, { uid: user.uid }, mark);
    return now ?? user;
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
      const proven = remembered.get(digest);
      if (!proven) return identity(await check(authorization, credential.ip, digest));
      const user = await deps.store.users.findById(proven.uid);
      if (!user) {
        remembered.forget(digest);
        throw gateDenials.invalidCredentials();
      }
      if (!user.status) {
        remembered.forget(digest);
        throw gateDenials.userBlocked();
      }
      return identity(user);
    },
  };
}
