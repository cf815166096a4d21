// A read-through cache over the hot lookups of the token and resource paths (users by id and
// name, clients by id). Entries live at most `ttlMs`, so a change made by another process is
// seen within that time; changes made through this store invalidate at once.
import type { Client } from '../domain/client.js';
import type { User } from '../domain/user.js';
import type { ChangeListener } from './change-feed.js';
import type { ClientRepository, NewUser, Store, UserPatch, UserRepository } from './store.js';

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly limit: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= performance.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expires: performance.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Caches found users (never misses: an unknown name must always reach the database). */
class CachedUsers implements UserRepository {
  constructor(
    private readonly inner: UserRepository,
    private readonly cache: TtlCache<User>,
  ) {}

  private remember(user: User | null): User | null {
    if (user) {
      this.cache.set(`id:${user.uid}`, user);
      this.cache.set(`name:${user.name.toLowerCase()}`, user);
    }
    return user;
  }

  async findById(uid: number): Promise<User | null> {
    return this.cache.get(`id:${uid}`) ?? this.remember(await this.inner.findById(uid));
  }

  async findByName(name: string): Promise<User | null> {
    return this.cache.get(`name:${name.toLowerCase()}`) ?? this.remember(await this.inner.findByName(name));
  }

  findByMail(mail: string): Promise<User | null> {
    return this.inner.findByMail(mail);
  }

  async create(user: NewUser): Promise<User> {
    return this.inner.create(user);
  }

  private forget(user: User | null | undefined): void {
    if (!user) return;
    this.cache.delete(`id:${user.uid}`);
    this.cache.delete(`name:${user.name.toLowerCase()}`);
  }

  async update(uid: number, patch: UserPatch): Promise<User> {
    // forget under the old name too, in case this is a rename
    this.forget(this.cache.get(`id:${uid}`));
    const user = await this.inner.update(uid, patch);
    this.forget(user);
    return user;
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

class CachedClients implements ClientRepository {
  constructor(
    private readonly inner: ClientRepository,
    private readonly cache: TtlCache<Client>,
  ) {}

  async get(clientId: string): Promise<Client | null> {
    const hit = this.cache.get(clientId);
    if (hit) return hit;
    const client = await this.inner.get(clientId);
    if (client) this.cache.set(clientId, client);
    return client;
  }

  list(): Promise<Client[]> {
    return this.inner.list();
  }

  create(client: Client): Promise<void> {
    return this.inner.create(client);
  }

  async update(client: Client): Promise<void> {
    this.cache.delete(client.clientId);
    await this.inner.update(client);
    this.cache.delete(client.clientId);
  }

  async delete(clientId: string): Promise<boolean> {
    this.cache.delete(clientId);
    const deleted = await this.inner.delete(clientId);
    this.cache.delete(clientId);
    return deleted;
  }
}

export class CachingStore implements Store {
  readonly users: UserRepository;
  readonly clients: ClientRepository;
  private readonly userCache: TtlCache<User>;
  private readonly clientCache: TtlCache<Client>;

  constructor(
    private readonly inner: Store,
    ttlMs = 1000,
    limit = 50_000,
  ) {
    this.userCache = new TtlCache(ttlMs, limit);
    this.clientCache = new TtlCache(ttlMs, limit);
    this.users = new CachedUsers(inner.users, this.userCache);
    this.clients = new CachedClients(inner.clients, this.clientCache);
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
  get codes() {
    return this.inner.codes;
  }
  get consents() {
    return this.inner.consents;
  }
  get cleanup() {
    return this.inner.cleanup;
  }
  get changes() {
    return this.inner.changes;
  }

  onChange(listener: ChangeListener): () => void {
    return this.inner.onChange(listener);
  }

  /** The store underneath, for reads that must see another process's write at once (credential checks). */
  get uncached(): Store {
    return this.inner;
  }

  /** Forgets every cached entry (a change feed says something changed elsewhere). */
  invalidate(): void {
    this.userCache.clear();
    this.clientCache.clear();
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    // reads inside a transaction go to the database; if it wrote users or clients, the cache
    // is dropped after commit (a refresh-token rotation writes neither and keeps it)
    let wrote = false;
    const mark = (): void => {
      wrote = true;
    };
    try {
      return await this.inner.transaction((tx) => fn(trackEntityWrites(tx, mark)));
    } finally {
      if (wrote) this.invalidate();
    }
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

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The transaction's store, noting any write to users or clients. */
function trackEntityWrites(tx: Store, onWrite: () => void): Store {
  const users: UserRepository = {
    findById: (uid) => tx.users.findById(uid),
    findByName: (name) => tx.users.findByName(name),
    findByMail: (mail) => tx.users.findByMail(mail),
    count: () => tx.users.count(),
    blockedIds: () => tx.users.blockedIds(),
    search: (filter) => tx.users.search(filter),
    countActiveWithRoles: (roleIds, exceptUid) => tx.users.countActiveWithRoles(roleIds, exceptUid),
    create: (user) => {
      onWrite();
      return tx.users.create(user);
    },
    update: (uid, patch) => {
      onWrite();
      return tx.users.update(uid, patch);
    },
  };
  const clients: ClientRepository = {
    get: (id) => tx.clients.get(id),
    list: () => tx.clients.list(),
    create: (client) => {
      onWrite();
      return tx.clients.create(client);
    },
    update: (client) => {
      onWrite();
      return tx.clients.update(client);
    },
    delete: (clientId) => {
      onWrite();
      return tx.clients.delete(clientId);
    },
  };
  const tracked: Store = {
    engine: tx.engine,
    users,
    clients,
    roles: tx.roles,
    scopes: tx.scopes,
    keys: tx.keys,
    refreshTokens: tx.refreshTokens,
    revocations: tx.revocations,
    flood: tx.flood,
    audit: tx.audit,
    sessions: tx.sessions,
    codes: tx.codes,
    consents: tx.consents,
    cleanup: tx.cleanup,
    changes: tx.changes,
    onChange: (listener) => tx.onChange(listener),
    transaction: (fn) => fn(tracked),
    lock: (name) => tx.lock(name),
    migrate: () => tx.migrate(),
    ping: () => tx.ping(),
    close: () => tx.close(),
  };
  return tracked;
}
