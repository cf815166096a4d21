// The one source of time: injected everywhere so expiry is testable without sleeping.
export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function nowSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  /** one millisecond on: what passes between two requests in real life */
  tick(): void {
    this.ms += 1;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}
