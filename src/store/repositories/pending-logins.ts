// Logins whose password was right, waiting for the user's second factor (or its enrolment): the
// browser holds a random id in a cookie, the store its digest, for a few minutes.

export interface PendingLoginRow {
  digest: string;
  userId: number;
  /** the RFC 8176 methods passed so far (`pwd`) */
  amr: string[];
  /** where the browser goes once logged in */
  destination: string;
  createdAt: number;
  expiresAt: number;
}

export interface PendingLoginRepository {
  insert(row: PendingLoginRow): Promise<void>;
  get(digest: string): Promise<PendingLoginRow | null>;
  /** ends it: true when this call did (a login completes once) */
  delete(digest: string): Promise<boolean>;
}
