// The one password check of Gatehouse (password grants, login page): flood control first,
// the same work for unknown users as for wrong passwords, legacy hashes upgraded on success.
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { hashPassword, verifyPassword } from '../crypto/passwords.js';
import { ANONYMOUS_UID, type User } from '../domain/user.js';
import type { Store } from '../store/store.js';
import { GrantError } from './errors.js';
import type { FloodControl } from './flood-control.js';

export class UserAuthenticator {
  constructor(
    private readonly store: Store,
    private readonly flood: FloodControl,
    private readonly clock: Clock,
    /** told of every failed check and flood refusal (metrics) */
    private readonly observer: { passwordCheckFailed(): void; floodBlocked(): void } = { passwordCheckFailed() {}, floodBlocked() {} },
  ) {}

  /** The user whose name and password these are, or a GrantError saying why not. */
  async authenticate(name: string, password: string, ip: string): Promise<User> {
    const wait = await this.flood.retryAfter(ip, name);
    if (wait !== null) {
      this.observer.floodBlocked();
      throw new GrantError('too_many_attempts', 'Too many failed login attempts. Try again later.', { retryAfter: wait });
    }
    const found = await this.store.users.findByName(name);
    const user = found && found.uid !== ANONYMOUS_UID ? found : null;
    const { ok, needsRehash } = await verifyPassword(password, user?.passHash ?? null);
    if (!user || !ok) {
      this.observer.passwordCheckFailed();
      await this.flood.recordFailure(ip, name);
      throw new GrantError('invalid_credentials', 'The user credentials were incorrect.');
    }
    // only after the password proved who is asking do we say the account is blocked
    if (!user.status) throw new GrantError('user_blocked', 'The user account is blocked.');
    await this.flood.recordSuccess(name);
    const now = nowSeconds(this.clock);
    const passHash = needsRehash ? await hashPassword(password) : undefined;
    // a rehash is not a credential change: it must not revoke the user's tokens
    await this.store.users.update(user.uid, passHash ? { login: now, access: now, passHash } : { login: now, access: now });
    return user;
  }
}
