// The storage boundary: small repositories, one per concept. One SQL implementation
// (sql-store.ts) serves every engine Kysely speaks to; nothing above this file knows SQL.
import type { Client } from '../domain/client.js';
import type { Role } from '../domain/role.js';
import type { Scope } from '../domain/scope.js';
import type { User } from '../domain/user.js';
import type { ChangeFeed } from './change-feed.js';

export type NewUser = Omit<User, 'uid' | 'uuid' | 'created' | 'changed' | 'access' | 'login'> &
  Partial<Pick<User, 'uuid' | 'created' | 'changed'>> & { uid?: number };
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

export interface RoleRepository {
  list(): Promise<Role[]>;
  get(id: string): Promise<Role | null>;
  upsert(role: Role): Promise<void>;
  /** removes the role (and, by the foreign key, every assignment of it); true when it existed */
  delete(id: string): Promise<boolean>;
  /** the names of up to `limit` accounts holding the role (by name), and how many hold it */
  holders(id: string, limit: number): Promise<{ names: string[]; total: number }>;
}

export interface ScopeRepository {
  /** stored scopes only; the built-in OIDC scopes are not rows */
  list(): Promise<Scope[]>;
  get(name: string): Promise<Scope | null>;
  upsert(scope: Scope): Promise<void>;
  /** removes the scope; true when it existed (clients and child scopes naming it are the caller's to check) */
  delete(name: string): Promise<boolean>;
}

export interface ClientRepository {
  get(clientId: string): Promise<Client | null>;
  list(): Promise<Client[]>;
  create(client: Client): Promise<void>;
  /** replaces every field of an existing client */
  update(client: Client): Promise<void>;
  /** removes the client; true when it existed */
  delete(clientId: string): Promise<boolean>;
}

export type KeyUse = 'access' | 'id';
export type KeyState = 'next' | 'current' | 'retired';

export interface SigningKeyRow {
  kid: string;
  alg: string;
  /** which tokens it signs: access tokens or id tokens */
  use: KeyUse;
  state: KeyState;
  publicJwk: string;
  /** private key, encrypted with GATEHOUSE_SECRET */
  privateKeyEncrypted: string;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  /** after this time the public key leaves the JWKS (every token it signed has expired) */
  publishUntil: number | null;
}

export interface SigningKeyRepository {
  list(): Promise<SigningKeyRow[]>;
  insert(key: SigningKeyRow): Promise<void>;
  update(kid: string, patch: Partial<Pick<SigningKeyRow, 'state' | 'activatedAt' | 'retiredAt' | 'publishUntil'>>): Promise<void>;
  /** removes retired keys whose publishUntil has passed; returns how many */
  deleteUnpublished(now: number): Promise<number>;
}

export interface RefreshTokenRow {
  /** SHA-256 digest of the opaque token; the token itself is never stored */
  digest: string;
  familyId: string;
  clientId: string;
  userId: number;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  /** the access token issued together with this refresh token, so a family revocation can kill it */
  accessJti: string;
  accessExpiresAt: number;
  spentAt: number | null;
  revokedAt: number | null;
  /** seconds: when the family's first token was issued (the family's absolute lifetime runs from here) */
  familyStartedAt: number;
  /**
   * A spent token's successor, sealed (AES-GCM) so it can be handed out again within the
   * client's reuse interval; erased (null) once `reuseUntil` (seconds) has passed.
   */
  successorSealed: string | null;
  reuseUntil: number | null;
}

/** An access token issued again with a successor during a reuse interval, kept so the family's revocation reaches it. */
export interface ReissuedAccessToken {
  jti: string;
  familyId: string;
  /** seconds */
  expiresAt: number;
}

export interface RefreshTokenRepository {
  insert(row: RefreshTokenRow): Promise<void>;
  findByDigest(digest: string): Promise<RefreshTokenRow | null>;
  /**
   * Marks the token spent only if it is neither spent nor revoked, keeping its sealed successor
   * when given (reuse interval); true when this call spent it.
   */
  spend(digest: string, at: number, successor?: { sealed: string; until: number }): Promise<boolean>;
  /**
   * Records an access token issued again with the successor `successorDigest`, only while that
   * successor is neither spent nor revoked; true when recorded. The check locks the successor's
   * row, so a family revocation either waits for this and then sees the access token, or comes
   * first and this refuses.
   */
  recordReissue(successorDigest: string, access: ReissuedAccessToken): Promise<boolean>;
  /** revokes every token of the family; returns the family's rows (to revoke their access tokens) */
  revokeFamily(familyId: string, at: number): Promise<RefreshTokenRow[]>;
  /** the access tokens issued again within the family's reuse intervals */
  reissuedAccessTokens(familyId: string): Promise<ReissuedAccessToken[]>;
  revokeByUser(userId: number, at: number): Promise<number>;
  revokeByClient(clientId: string, at: number): Promise<number>;
  revokeByUserAndClient(userId: number, clientId: string, at: number): Promise<number>;
  /** the live token of each active grant (family) of a user or a client, newest first */
  active(owner: { userId: number } | { clientId: string }, now: number): Promise<RefreshTokenRow[]>;
}

/** A browser login: the cookie holds a random id, the store only its digest. */
export interface SessionRow {
  digest: string;
  userId: number;
  /** seconds */
  createdAt: number;
  /** seconds: when the user last proved their password (OIDC auth_time) */
  authTime: number;
  expiresAt: number;
}

export interface SessionRepository {
  insert(row: SessionRow): Promise<void>;
  get(digest: string): Promise<SessionRow | null>;
  delete(digest: string): Promise<void>;
  deleteByUser(userId: number): Promise<number>;
}

/** An authorization code (RFC 6749 §4.1.2), bound to everything the token request must repeat. */
export interface AuthorizationCodeRow {
  digest: string;
  clientId: string;
  userId: number;
  redirectUri: string;
  /** whether the authorization request named the redirect URI (then the token request must too) */
  redirectUriGiven: boolean;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
  authTime: number;
  issuedAt: number;
  /** ms: compared with revocations (also ms), so a revocation in the same second still voids the code */
  issuedMs: number;
  expiresAt: number;
  usedAt: number | null;
  /** what the exchange issued, so a replay can revoke it */
  familyId: string | null;
  accessJti: string | null;
  accessExpiresAt: number | null;
}

export interface AuthorizationCodeRepository {
  insert(row: AuthorizationCodeRow): Promise<void>;
  findByDigest(digest: string): Promise<AuthorizationCodeRow | null>;
  /**
   * Marks the code used, with what its exchange issues (so a replay can revoke it), only if it
   * was unused; true when this call used it.
   */
  spend(digest: string, at: number, issued: { familyId: string | null; accessJti: string; accessExpiresAt: number }): Promise<boolean>;
  /**
   * Deletes the user's codes not yet exchanged (all clients, or one), so none outlives a password
   * change or a revocation; used codes stay for replay detection. Returns how many.
   */
  voidUnused(userId: number, clientId?: string): Promise<number>;
}

/** What a user approved for a client (remember_approval). */
export interface ConsentRow {
  userId: number;
  clientId: string;
  scopes: string[];
  /** seconds */
  grantedAt: number;
}

export interface ConsentRepository {
  get(userId: number, clientId: string): Promise<ConsentRow | null>;
  upsert(row: ConsentRow): Promise<void>;
  delete(userId: number, clientId: string): Promise<void>;
  deleteByUser(userId: number): Promise<number>;
  listByUser(userId: number): Promise<ConsentRow[]>;
}

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

export interface AuditEntry {
  /** ms since the epoch */
  at: number;
  event: string;
  outcome: 'success' | 'failure';
  userId: number | null;
  clientId: string | null;
  ip: string | null;
  endpoint: string | null;
  /** short, non-secret detail (an error code, a grant type) */
  detail: string | null;
}

export interface AuditRepository {
  append(entries: AuditEntry[]): Promise<void>;
  /** newest first; `beforeId` pages further back */
  tail(limit: number, beforeId?: number): Promise<(AuditEntry & { id: number })[]>;
  /** newest first, filtered; `beforeId` pages further back */
  search(filter: AuditFilter): Promise<(AuditEntry & { id: number })[]>;
  /** per hour since `sinceMs`: tokens issued, refreshes and failed password checks */
  hourlyActivity(sinceMs: number): Promise<HourlyActivity[]>;
}

export interface HourlyActivity {
  /** start of the hour, ms since the epoch */
  hour: number;
  issued: number;
  refreshed: number;
  failedLogins: number;
}

export interface AuditFilter {
  userId?: number;
  clientId?: string;
  outcome?: 'success' | 'failure';
  /** ms since the epoch, inclusive */
  from?: number;
  /** ms since the epoch, exclusive */
  to?: number;
  limit: number;
  beforeId?: number;
}

/** Deletes rows that can no longer matter, a bounded batch at a time. */
export interface CleanupRepository {
  /** deletes up to `limit` rows of `what` that expired before `before` (seconds); returns how many */
  deleteExpired(what: ExpiringKind, before: number, limit: number): Promise<number>;
  /** erases up to `limit` sealed refresh-token successors whose reuse interval ended before `before` (seconds) */
  eraseSealedSuccessors(before: number, limit: number): Promise<number>;
}

export type ExpiringKind = 'refresh_tokens' | 'reissued_access_tokens' | 'authorization_codes' | 'revocations' | 'sessions' | 'flood' | 'audit_log';

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly users: UserRepository;
  readonly roles: RoleRepository;
  readonly scopes: ScopeRepository;
  readonly clients: ClientRepository;
  readonly keys: SigningKeyRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly revocations: RevocationRepository;
  readonly flood: FloodRepository;
  readonly audit: AuditRepository;
  readonly sessions: SessionRepository;
  readonly codes: AuthorizationCodeRepository;
  readonly consents: ConsentRepository;
  readonly cleanup: CleanupRepository;
  /** runs `fn` in one transaction; the store it receives is bound to that transaction */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: waits until no other transaction, in any process, holds lock `name`,
   * and holds it until this one ends (a check and the write it allows, as one). PostgreSQL: an
   * advisory transaction lock; SQLite: nothing more to take, as every transaction holds the
   * database's write lock from its start.
   */
  lock(name: string): Promise<void>;
  migrate(): Promise<void>;
  /** a round trip to the database (readiness) */
  ping(): Promise<void>;
  /** notifications of changes made by any instance; absent where the engine has none (SQLite) */
  readonly changes: ChangeFeed | null;
  close(): Promise<void>;
}
