// Browser sessions of the login pages and the console.

/** A browser login: the cookie holds a random id, the store only its digest. */
export interface SessionRow {
  digest: string;
  userId: number;
  /** seconds */
  createdAt: number;
  /** seconds: when the user last proved their password (OIDC auth_time) */
  authTime: number;
  expiresAt: number;
  /** RFC 8176 methods the login used (`pwd`, then `otp`, `hwk`, `swk`): the ID token's amr */
  amr: string[];
}

export interface SessionRepository {
  insert(row: SessionRow): Promise<void>;
  get(digest: string): Promise<SessionRow | null>;
  delete(digest: string): Promise<void>;
  deleteByUser(userId: number): Promise<number>;
}
