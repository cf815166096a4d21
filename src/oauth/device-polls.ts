// When each device code was last polled, in this process's memory (RFC 8628 §3.5 slow_down). A
// pending poll is then one read, no write: polling costs the database nothing but a lookup by key.
// The interval itself, raised by each slow_down, is stored with the code. Polls spread over several
// instances are each measured by the instance that answers them (docs/security.md, Known limits);
// that tokens are issued once does not depend on this, but on the redemption's conditional UPDATE.

/** At most this many codes remembered; the oldest are forgotten first (a code lives 600 s). */
const MAX_CODES = 200_000;

export class DevicePolls {
  private readonly last = new Map<string, number>();

  /**
   * Records a poll of `digest` at `nowMs` and says whether it came too soon: less than
   * `intervalSeconds` after the previous one. Synchronous, so of two polls at once the second
   * sees the first.
   */
  tooSoon(digest: string, nowMs: number, intervalSeconds: number): boolean {
    const previous = this.last.get(digest);
    this.last.delete(digest); // re-inserted last: the map stays in order of the latest poll
    this.last.set(digest, nowMs);
    if (this.last.size > MAX_CODES) this.last.delete(this.last.keys().next().value!);
    return previous !== undefined && nowMs - previous < intervalSeconds * 1000;
  }

  /** A redeemed or expired code needs no more remembering. */
  forget(digest: string): void {
    this.last.delete(digest);
  }
}
