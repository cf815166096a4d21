// Flood control's failure counters, when they are kept in the database (not Redis).

/** One flood counter: at most `limit` events of (`event`, `identifier`) within `window` seconds. */
export interface FloodLimit {
  event: string;
  identifier: string;
  limit: number;
  /** seconds */
  window: number;
}

/** The events one reservation recorded, one per counter, so release() can take them back. */
export type FloodReservation = readonly { event: string; identifier: string; id: string }[];

/**
 * Flood-control counters. reserve() is the only way to add an event and is atomic for every
 * process sharing the counters: the counts are read and the events written as one step (one
 * statement on SQLite, a transaction holding an advisory lock per counter on PostgreSQL, one
 * Lua script on Redis), so N concurrent calls never record more than the limit.
 */
export interface FloodRepository {
  /**
   * When every counter holds fewer than its limit of events newer than `at - window`, records one
   * event in each (at `at`, expiring at `at + window`) and returns them; otherwise records
   * nothing and returns the seconds until every counter would allow one more (≥ 1).
   */
  reserve(limits: readonly FloodLimit[], at: number): Promise<{ reserved: FloodReservation } | { retryAfter: number }>;
  /** takes back the events of a reservation (the attempt proved right, or was never made) */
  release(reservation: FloodReservation): Promise<void>;
  /** forgets every event of one counter */
  clear(event: string, identifier: string): Promise<void>;
}
