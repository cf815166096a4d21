// Secrets held for one view (the page after the console's redirect): sealed, bound to a session,
// taken — read and deleted in one statement — at most once.

export interface ShownOnceRow {
  digest: string;
  sessionDigest: string;
  sealed: string;
  /** seconds */
  expiresAt: number;
}

export interface ShownOnceRepository {
  insert(row: ShownOnceRow): Promise<void>;
  /**
   * Deletes and returns the row when it belongs to the session and has not expired at `at`; of
   * any number of concurrent takes at most one gets it. Anything else: null, nothing deleted.
   */
  take(digest: string, sessionDigest: string, at: number): Promise<ShownOnceRow | null>;
}
