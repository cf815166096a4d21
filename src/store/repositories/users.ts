// The user accounts: Drupal's users and their roles.
import type { User } from '../../domain/user.js';

export type NewUser = Omit<User, 'uid' | 'uuid' | 'created' | 'changed' | 'access' | 'login' | 'mailVerified' | 'fields'> &
  Partial<Pick<User, 'uuid' | 'created' | 'changed' | 'mailVerified' | 'fields'>> & { uid?: number };
export type UserPatch = Partial<Omit<User, 'uid' | 'uuid' | 'created'>>;

export interface UserRepository {
  findById(uid: number): Promise<User | null>;
  /** case-insensitive, as Drupal's user names are */
  findByName(name: string): Promise<User | null>;
  findByMail(mail: string): Promise<User | null>;
  /** assigns the next uid (1 for the first account) unless `uid` is given */
  create(user: NewUser): Promise<User>;
  update(uid: number, patch: UserPatch): Promise<User>;
  /** accounts other than uid 0 */
  count(): Promise<number>;
  /** uids of blocked accounts (status false), uid 0 excluded */
  blockedIds(): Promise<number[]>;
  /** a page of accounts (uid 0 excluded) whose name or mail contains `query`, by uid, and how many match */
  search(filter: { query?: string; limit: number; offset: number }): Promise<{ users: User[]; total: number }>;
  /** active accounts holding any of `roleIds`, other than `exceptUid` */
  countActiveWithRoles(roleIds: readonly string[], exceptUid: number): Promise<number>;
}
