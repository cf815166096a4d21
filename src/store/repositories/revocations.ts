// The revocation feed: what every instance must refuse, read into its in-memory view.

export type RevocationKind = 'jti' | 'user' | 'client' | 'grant';

/**
 * One revocation: a single access token (`jti`), or every token a user, a client, or a user
 * through one client (`grant`, subject "uid:clientId") was issued at or before `at`. Rows form an append-only feed (increasing `id`) that every instance follows.
 */
export interface RevocationRow {
  id: number;
  kind: RevocationKind;
  subject: string;
  /** ms since the epoch */
  at: number;
  /** seconds since the epoch: after this no token it covers can be valid anyway */
  expiresAt: number;
}

export interface RevocationRepository {
  add(rows: Omit<RevocationRow, 'id'>[]): Promise<void>;
  /** rows with id > afterId, oldest first */
  since(afterId: number, limit: number): Promise<RevocationRow[]>;
  /** rows still in force at `now` (seconds), for an instance that starts */
  active(now: number): Promise<RevocationRow[]>;
  latestId(): Promise<number>;
}
