// Flood control on user-code entry at /device (RFC 8628 §5.1: user codes are short, so guessing
// must be rate-limited), on the same counters as passwords (the database's, or Redis's when
// instances share them) and with the same per-IP limits: a wrong code counts as a failed login
// would, per client IP and per signed-in user; a right one is given back.
import { type Clock, nowSeconds } from '../clock.js';
import type { FloodSettings } from '../config.js';
import type { FloodRepository, FloodReservation } from '../store/store.js';

const IP_EVENT = 'device_user_code.ip';
const USER_EVENT = 'device_user_code.user';

export class UserCodeFlood {
  constructor(
    private readonly counts: FloodRepository,
    private readonly clock: Clock,
    private readonly settings: FloodSettings,
  ) {}

  /** Reserves one guess for this address and user, or says how many seconds to wait. */
  async reserve(ip: string, userId: number): Promise<{ reservation: FloodReservation } | { retryAfter: number }> {
    const { ipLimit, ipWindow } = this.settings;
    const result = await this.counts.reserve(
      [
        { event: IP_EVENT, identifier: ip, limit: ipLimit, window: ipWindow },
        { event: USER_EVENT, identifier: String(userId), limit: ipLimit, window: ipWindow },
      ],
      nowSeconds(this.clock),
    );
    return 'retryAfter' in result ? result : { reservation: result.reserved };
  }

  /** The code was right: the guess was no failure. */
  async release(reservation: FloodReservation): Promise<void> {
    await this.counts.release(reservation);
  }
}
