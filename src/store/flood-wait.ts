// How long a full flood counter stays full: the one rule the SQL, Redis and in-memory counters share.

/**
 * Seconds until a counter allows one more event, given the time of its `limit`-th newest event
 * within the window (null: it has fewer, so it allows one now).
 */
export function floodWait(limitthNewest: number | null, window: number, at: number): number | null {
  return limitthNewest === null ? null : Math.max(1, limitthNewest + window - at);
}
