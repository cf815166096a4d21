// The one password check of Gatehouse (password grants, login page): names Drupal could not hold
// refused before any work, a flood-control attempt reserved before the hash, the user read from
// the database itself, the same work for unknown users as for wrong passwords, a bounded wait
// for a hashing slot, legacy hashes upgraded on success.
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { hashPassword, PasswordQueueFull, verifyPassword } from '../crypto/passwords.js';
import { ANONYMOUS_UID, USER_NAME_MAX_LENGTH, type User } from '../domain/user.js';
import type { UserRepository } from '../store/store.js';
import { OAuthFailure } from './oauth-failure.js';
import type { FloodAttempt, FloodControl } from './flood-control.js';

/** Seconds a client is asked to wait when every hashing slot and the queue are busy. */
const BUSY_RETRY_AFTER = 1;

export interface PasswordCheckObserver {
  passwordCheckFailed(): void;
  floodBlocked(): void;
  passwordQueueFull(): void;
}

export interface UserAuthenticatorOptions {
  /** read for the check: the database itself, never a cache, so a block made by another process counts at once */
  accounts: Pick<UserRepository, 'findByName'>;
  /** where the login (and an upgraded hash) is written: through the cache, which then forgets the user */
  users: Pick<UserRepository, 'update'>;
  flood: FloodControl;
  clock: Clock;
  /** password checks that may wait for a hashing slot; beyond it a check is refused at once */
  queueLimit: number;
  /** told of every failed check, flood refusal and full queue (metrics) */
  observer?: PasswordCheckObserver;
}

export class UserAuthenticator {
  private readonly observer: PasswordCheckObserver;

  constructor(private readonly options: UserAuthenticatorOptions) {
    this.observer = options.observer ?? { passwordCheckFailed() {}, floodBlocked() {}, passwordQueueFull() {} };
  }

  /**
   * The user whose name and password these are, or a OAuthFailure saying why not. With
   * `blockedFirst` (Drupal's JSON login) a blocked account is refused before its password is
   * checked; otherwise only after the password proved who is asking.
   */
  async authenticate(name: string, password: string, ip: string, options: { blockedFirst?: boolean } = {}): Promise<User> {
    // no account can have a longer name: refuse before a flood row is written or a hash computed
    if (name.length > USER_NAME_MAX_LENGTH && [...name].length > USER_NAME_MAX_LENGTH) {
      throw OAuthFailure.invalid('username', `The username must not be longer than ${USER_NAME_MAX_LENGTH} characters.`);
    }
    const attempt = await this.options.flood.reserve(ip, name);
    if ('retryAfter' in attempt) {
      this.observer.floodBlocked();
      throw new OAuthFailure('too_many_attempts', 'Too many failed login attempts. Try again later.', { retryAfter: attempt.retryAfter });
    }
    let checked: { user: User | null; ok: boolean; needsRehash: boolean };
    try {
      checked = await this.check(name, password, options.blockedFirst === true);
    } catch (error) {
      // nothing was checked (a full queue, an unreachable database): the attempt is no failure;
      // if even giving it back fails, it stays counted, which errs on the safe side
      await this.options.flood.release(attempt).catch(() => undefined);
      throw error;
    }
    const { user, ok, needsRehash } = checked;
    if (!user || !ok) {
      // the reserved attempt stays: it is the recorded failure
      this.observer.passwordCheckFailed();
      throw new OAuthFailure('invalid_credentials', 'The user credentials were incorrect.');
    }
    return this.succeeded(user, password, needsRehash, attempt);
  }

  private async check(name: string, password: string, blockedFirst: boolean): Promise<{ user: User | null; ok: boolean; needsRehash: boolean }> {
    const found = await this.options.accounts.findByName(name);
    const user = found && found.uid !== ANONYMOUS_UID ? found : null;
    // thrown before any hash: the caller gives the flood attempt back, as for any unchecked password
    if (blockedFirst && user && !user.status) throw new OAuthFailure('user_blocked', 'The user account is blocked.');
    try {
      return { user, ...(await verifyPassword(password, user?.passHash ?? null, { maxWaiting: this.options.queueLimit })) };
    } catch (error) {
      if (!(error instanceof PasswordQueueFull)) throw error;
      this.observer.passwordQueueFull();
      throw new OAuthFailure('server_busy', 'The server is busy checking other passwords. Try again shortly.', { retryAfter: BUSY_RETRY_AFTER });
    }
  }

  private async succeeded(user: User, password: string, needsRehash: boolean, attempt: FloodAttempt): Promise<User> {
    // only after the password proved who is asking do we say the account is blocked
    if (!user.status) {
      await this.options.flood.release(attempt);
      throw new OAuthFailure('user_blocked', 'The user account is blocked.');
    }
    await this.options.flood.succeeded(attempt);
    const now = nowSeconds(this.options.clock);
    const passHash = needsRehash ? await this.rehash(password) : undefined;
    // a rehash is not a credential change: it must not revoke the user's tokens
    await this.options.users.update(user.uid, passHash ? { login: now, access: now, passHash } : { login: now, access: now });
    return user;
  }

  /** An upgraded hash, unless the queue is full: then the upgrade waits for the next login. */
  private async rehash(password: string): Promise<string | undefined> {
    try {
      return await hashPassword(password, { maxWaiting: this.options.queueLimit });
    } catch (error) {
      if (error instanceof PasswordQueueFull) return undefined;
      throw error;
    }
  }
}
