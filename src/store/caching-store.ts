// A read-through cache over the hot lookups of the token and resource paths (users by id and
// name, clients by id). It follows the store's change notifications: a change this process
// commits is forgotten at once, one another instance announces as soon as it is heard (PostgreSQL
// NOTIFY, SQLite change versions), and every entry lives at most `ttlMs` whatever happens.
import type { Client } from '../domain/client.js';
import type { User } from '../domain/user.js';
import type { ChangeListener, StoreChange } from './change-feed.js';
import type { ClientRepository, NewUser, Store, TransactionOptions, UserPatch, UserRepository } from './store.js';

class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly limit: number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= performance.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, expires: performance.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Found users by uid, and names as pointers to uids, checked on use so a renamed user never
 * answers for the old name. Misses are not kept: an unknown name must always reach the database.
 * Writes pass through; the store announces them.
 */
class CachedUsers implements UserRepository {
  private readonly byId: TtlCache<number, User>;
  private readonly uidByName: TtlCache<string, number>;
  /** moves on at every change heard: a user read before it may be the old one, and is not kept */
  private generation = 0;

  constructor(
    private readonly inner: UserRepository,
    ttlMs: number,
    limit: number,
  ) {
    this.byId = new TtlCache(ttlMs, limit);
    this.uidByName = new TtlCache(ttlMs, limit);
  }

  private async read(find: () => Promise<User | null>): Promise<User | null> {
    const generation = this.generation;
    const user = await find();
    if (user && generation === this.generation) {
      this.byId.set(user.uid, user);
      this.uidByName.set(user.name.toLowerCase(), user.uid);
    }
    return user;
  }

  async findById(uid: number): Promise<User | null> {
    return this.byId.get(uid) ?? this.read(() => this.inner.findById(uid));
  }

  async findByName(name: string): Promise<User | null> {
    const key = name.toLowerCase();
    const uid = this.uidByName.get(key);
    const hit = uid === undefined ? undefined : this.byId.get(uid);
    return hit && hit.name.toLowerCase() === key ? hit : this.read(() => this.inner.findByName(name));
  }

  /** Forgets one user, or every user when the change does not say which. */
  forget(uid: number | null): void {
    this.generation++;
    if (uid !== null) {
      this.byId.delete(uid);
      return;
    }
    this.byId.clear();
    this.uidByName.clear();
  }

  findByMail(mail: string): Promise<User | null> {
    return this.inner.findByMail(mail);
  }

  create(user: NewUser): Promise<User> {
    return this.inner.create(user);
  }

  update(uid: number, patch: UserPatch): Promise<User> {
    return this.inner.update(uid, patch);
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  blockedIds(): Promise<number[]> {
    return this.inner.blockedIds();
  }

  search(filter: { query?: string; limit: number; offset: number }): Promise<{ users: User[]; total: number }> {
    return this.inner.search(filter);
  }

  countActiveWithRoles(roleIds: readonly string[], exceptUid: number): Promise<number> {
    return this.inner.countActiveWithRoles(roleIds, exceptUid);
  }
}

/** Found clients by id (misses are not kept). Writes pass through; the store announces them. */
class CachedClients implements ClientRepository {
  private readonly byId: TtlCache<string, Client>;
  /** moves on at every change heard: a client read before it may be the old one, and is not kept */
  private generation = 0;

  constructor(
    private readonly inner: ClientRepository,
    ttlMs: number,
    limit: number,
  ) {
    this.byId = new TtlCache(ttlMs, limit);
  }

  async get(clientId: string): Promise<Client | null> {
    const hit = this.byId.get(clientId);
    if (hit) return hit;
    const generation = this.generation;
    const client = await this.inner.get(clientId);
    if (client && generation === this.generation) this.byId.set(clientId, client);
    return client;
  }

  /** Forgets one client, or every client when the change does not say which. */
  forget(clientId: string | null): void {
    this.generation++;
    if (clientId === null) this.byId.clear();
    else this.byId.delete(clientId);
  }

  list(): Promise<Client[]> {
    return this.inner.list();
  }

  create(client: Client): Promise<void> {
    return this.inner.create(client);
  }

  update(client: Client): Promise<void> {
    return this.inner.update(client);
  }

  delete(clientId: string): Promise<boolean> {
    return this.inner.delete(clientId);
  }
}

/** The uid a users change names, or null (none, or not one we wrote). */
function uidOf(change: StoreChange): number | null {
  const uid = change.key === undefined ? Number.NaN : Number(change.key);
  return Number.isSafeInteger(uid) ? uid : null;
}

export class CachingStore implements Store {
  private readonly cachedUsers: CachedUsers;
  private readonly cachedClients: CachedClients;
  private readonly stopFollowing: () => void;

  constructor(
    private readonly inner: Store,
    ttlMs = 1000,
    limit = 50_000,
  ) {
    this.cachedUsers = new CachedUsers(inner.users, ttlMs, limit);
    this.cachedClients = new CachedClients(inner.clients, ttlMs, limit);
    this.stopFollowing = inner.onChange((change) => this.forget(change));
  }

  private forget(change: StoreChange): void {
    if (change.topic === 'users') this.cachedUsers.forget(uidOf(change));
    else if (change.topic === 'clients') this.cachedClients.forget(change.key ?? null);
  }

  /** Stops following the store's changes, and forgets everything (the store lives on without this cache). */
  detach(): void {
    this.stopFollowing();
    this.cachedUsers.forget(null);
    this.cachedClients.forget(null);
  }

  get users(): UserRepository {
    return this.cachedUsers;
  }
  get clients(): ClientRepository {
    return this.cachedClients;
  }
  get engine() {
    return this.inner.engine;
  }
  get roles() {
    return this.inner.roles;
  }
  get scopes() {
    return this.inner.scopes;
  }
  get claimMappings() {
    return this.inner.claimMappings;
  }
  get resources() {
    return this.inner.resources;
  }
  get keys() {
    return this.inner.keys;
  }
  get refreshTokens() {
    return this.inner.refreshTokens;
  }
  get revocations() {
    return this.inner.revocations;
  }
  get flood() {
    return this.inner.flood;
  }
  get audit() {
    return this.inner.audit;
  }
  get sessions() {
    return this.inner.sessions;
  }
  get mailOutbox() {
    return this.inner.mailOutbox;
  }
  get userTokens() {
    return this.inner.userTokens;
  }
  get shownOnce() {
    return this.inner.shownOnce;
  }
  get secondFactors() {
    return this.inner.secondFactors;
  }
  get pendingLogins() {
    return this.inner.pendingLogins;
  }
  get codes() {
    return this.inner.codes;
  }

  get deviceCodes() {
    return this.inner.deviceCodes;
  }

  get registrations() {
    return this.inner.registrations;
  }
  get consents() {
    return this.inner.consents;
  }
  get cleanup() {
    return this.inner.cleanup;
  }
  get gateRoutes() {
    return this.inner.gateRoutes;
  }
  get changes() {
    return this.inner.changes;
  }
  get apiKeys() {
    return this.inner.apiKeys;
  }
  get webauthnCredentials() {
    return this.inner.webauthnCredentials;
  }
  get webauthnChallenges() {
    return this.inner.webauthnChallenges;
  }

  onChange(listener: ChangeListener): () => void {
    return this.inner.onChange(listener);
  }

  /**
   * Reads inside a transaction go to the database, so nothing of one rolled back is ever kept;
   * what it wrote is forgotten once it commits, when the store announces it (a refresh-token
   * rotation writes neither users nor clients, and the cache stays warm).
   */
  transaction<T>(fn: (tx: Store) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.inner.transaction(fn, options);
  }

  lock(name: string): Promise<void> {
    return this.inner.lock(name);
  }

  migrate(): Promise<void> {
    return this.inner.migrate();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  async close(): Promise<void> {
    this.detach();
    await this.inner.close();
  }
}
