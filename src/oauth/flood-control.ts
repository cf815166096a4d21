// Flood control on every password check, as Drupal's defaults: 5 failures per user name from one
// client IP per 6 h, 50 per IP per hour; plus a higher limit per user name across all IPs, so a
// distributed guesser is stopped too without letting anyone lock a user out of their usual IP.
// An attempt is reserved before the password is hashed and kept as a failure when it is wrong,
// so however requests are timed no more passwords are checked than the limits allow. Unknown and
// known user names are counted alike, so the answers do not tell them apart.
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import type { FloodSettings } from '../config.js';
import type { FloodLimit, FloodRepository, FloodReservation } from '../store/store.js';

const IP_EVENT = 'password.ip';
/** per (user name, IP): Drupal's user.flood `uid_only: false` */
const USER_IP_EVENT = 'password.user_ip';
/** per user name, whatever the IP */
const USER_EVENT = 'password.user';
/** per IP: presented API keys that matched none (the gate's api_key method) */
const API_KEY_IP_EVENT = 'api_key.ip';
/** per user: second-factor codes (TOTP, recovery) that were wrong, whatever the IP */
const SECOND_FACTOR_USER_EVENT = 'second_factor.user';

/** A password check allowed to run: its events are counted until it is settled. */
export interface FloodAttempt {
  readonly reservation: FloodReservation;
  readonly userIpKey: string;
}

export class FloodControl {
  constructor(
    /** the database's counts, or Redis's when instances share them there */
    private readonly counts: FloodRepository,
    private readonly clock: Clock,
    private readonly settings: FloodSettings,
  ) {}

  /** Names as Drupal compares them; control characters (never in a valid name) cannot reach a key. */
  private static userKey(name: string): string {
    return name
      .trim()
      .toLowerCase()
      .replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
  }

  private limits(ip: string, userName: string): { limits: FloodLimit[]; userIpKey: string } {
    const user = FloodControl.userKey(userName);
    // an address never holds a '/', so "address/name" names one pair
    const userIpKey = `${ip}/${user}`;
    const s = this.settings;
    return {
      userIpKey,
      limits: [
        { event: IP_EVENT, identifier: ip, limit: s.ipLimit, window: s.ipWindow },
        { event: USER_IP_EVENT, identifier: userIpKey, limit: s.userLimit, window: s.userWindow },
        { event: USER_EVENT, identifier: user, limit: s.userGlobalLimit, window: s.userGlobalWindow },
      ],
    };
  }

  /**
   * Reserves one attempt on every counter at once, or says how many seconds to wait. A reserved
   * attempt counts as a failure until settled: in flight, it holds its place against the limits.
   */
  async reserve(ip: string, userName: string): Promise<FloodAttempt | { retryAfter: number }> {
    const { limits, userIpKey } = this.limits(ip, userName);
    const result = await this.counts.reserve(limits, nowSeconds(this.clock));
    return 'retryAfter' in result ? result : { reservation: result.reserved, userIpKey };
  }

  /**
   * After reserve() refused: whether the client's IP is over its own limit ('ip') or the refusal
   * came from the user name's counters ('user') — Drupal's JSON login words the two apart. Asks by
   * reserving one IP event and giving it straight back.
   */
  async blockedBy(ip: string): Promise<'ip' | 'user'> {
    const s = this.settings;
    const result = await this.counts.reserve([{ event: IP_EVENT, identifier: ip, limit: s.ipLimit, window: s.ipWindow }], nowSeconds(this.clock));
    if ('retryAfter' in result) return 'ip';
    await this.counts.release(result.reserved);
    return 'user';
  }

  /** The password was right: it was no failure, and (as Drupal does) the user's count from this IP starts over. */
  async succeeded(attempt: FloodAttempt): Promise<void> {
    await this.counts.release(attempt.reservation);
    await this.counts.clear(USER_IP_EVENT, attempt.userIpKey);
  }

  /** No failed guess (the password was right, or was never checked): the attempt is given back. */
  async release(attempt: FloodAttempt): Promise<void> {
    await this.counts.release(attempt.reservation);
  }

  /**
   * Reserves one API-key check from `ip` on its own per-IP counter (the password limits per IP),
   * or says how many seconds to wait. Kept as a failure unless released: a key guesser is stopped
   * like a password guesser, and a right key gives its attempt back.
   */
  async reserveApiKeyCheck(ip: string): Promise<FloodAttempt | { retryAfter: number }> {
    const limits = [{ event: API_KEY_IP_EVENT, identifier: ip, limit: this.settings.ipLimit, window: this.settings.ipWindow }];
    const result = await this.counts.reserve(limits, nowSeconds(this.clock));
    return 'retryAfter' in result ? result : { reservation: result.reserved, userIpKey: ip };
  }

  /**
   * Reserves one second-factor check (a TOTP or recovery code) for user `userId` on its own
   * counter, with the per-user password limits (5 per 6 h by default) and the per-IP one, or says
   * how many seconds to wait: 10^6 codes cannot be tried. A right code gives its attempt back.
   */
  async reserveSecondFactor(ip: string, userId: number): Promise<FloodAttempt | { retryAfter: number }> {
    const s = this.settings;
    const limits = [
      { event: IP_EVENT, identifier: ip, limit: s.ipLimit, window: s.ipWindow },
      { event: SECOND_FACTOR_USER_EVENT, identifier: String(userId), limit: s.userLimit, window: s.userWindow },
    ];
    const result = await this.counts.reserve(limits, nowSeconds(this.clock));
    return 'retryAfter' in result ? result : { reservation: result.reserved, userIpKey: String(userId) };
  }
}
