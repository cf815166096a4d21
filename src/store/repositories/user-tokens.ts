// One-time tokens mailed to users (mail verification and mail change links): only a keyed digest of the token is
// stored, so a database leak yields no usable link.

/** change_mail: the row's mail is the new address, which replaces the user's once the link is used */
export type UserTokenPurpose = 'verify_mail' | 'verify_mail_activate' | 'change_mail';

export interface UserTokenRow {
  digest: string;
  purpose: UserTokenPurpose;
  userId: number;
  /** the address the token was sent to */
  mail: string;
  /** seconds */
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface UserTokenRepository {
  insert(row: UserTokenRow): Promise<void>;
  get(digest: string): Promise<UserTokenRow | null>;
  /**
   * Uses the token: one UPDATE that succeeds only while it is unused and unexpired at `at`, so of
   * any number of concurrent uses exactly one gets the row; the others (and later ones) get null.
   */
  spend(digest: string, at: number): Promise<UserTokenRow | null>;
  /** forgets a user's unused tokens (a new link replaces the old ones) */
  deleteUnused(userId: number): Promise<void>;
}
