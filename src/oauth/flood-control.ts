// Flood control on every password check (Drupal's defaults: 5 failures per user name per 6 h,
// 50 per IP per hour). Unknown and known user names are counted alike, so the answers do not
// tell them apart.
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import type { FloodSettings } from '../config.js';
import type { FloodRepository } from '../store/store.js';

const IP_EVENT = 'password.ip';
const USER_EVENT = 'password.user';

export class FloodControl {
  constructor(
    /** the database's counts, or Redis's when instances share them there */
    private readonly counts: FloodRepository,
    private readonly clock: Clock,
    private readonly settings: FloodSettings,
  ) {}

  private static userKey(name: string): string {
    return name.trim().toLowerCase();
  }

  /** Seconds until another attempt is allowed, or null when attempts are allowed now. */
  async retryAfter(ip: string, userName: string): Promise<number | null> {
    const now = nowSeconds(this.clock);
    const flood = this.counts;
    const [byIp, byUser] = await Promise.all([
      flood.count(IP_EVENT, ip, now - this.settings.ipWindow),
      flood.count(USER_EVENT, FloodControl.userKey(userName), now - this.settings.userWindow),
    ]);
    const waits: number[] = [];
    if (byIp.count >= this.settings.ipLimit) waits.push((byIp.oldest ?? now) + this.settings.ipWindow - now);
    if (byUser.count >= this.settings.userLimit) waits.push((byUser.oldest ?? now) + this.settings.userWindow - now);
    return waits.length ? Math.max(1, ...waits) : null;
  }

  async recordFailure(ip: string, userName: string): Promise<void> {
    const now = nowSeconds(this.clock);
    await Promise.all([
      this.counts.register(IP_EVENT, ip, now, now + this.settings.ipWindow),
      this.counts.register(USER_EVENT, FloodControl.userKey(userName), now, now + this.settings.userWindow),
    ]);
  }

  /** After a successful login, as Drupal does: the user's count starts over (the IP's does not). */
  async recordSuccess(userName: string): Promise<void> {
    await this.counts.clear(USER_EVENT, FloodControl.userKey(userName));
  }
}
