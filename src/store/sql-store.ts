// The one Store implementation: Kysely over SQLite or PostgreSQL, composed of one SQL repository
// per table (sql/*.ts). This file only binds them to a connection or a transaction and holds
// what is the database's as a whole: transactions, locks, migrations, readiness, closing.
import { Migrator, sql, type Kysely } from 'kysely';
import type { ChangeFeed, ChangeListener, ChangeSource, StoreChange } from './change-feed.js';
import type { Engine } from './engine.js';
import { GroupCommit } from './group-commit.js';
import type { DirectSqlite } from './sqlite-direct.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import { SqlAudit } from './sql/audit.js';
import { SqlCodes } from './sql/authorization-codes.js';
import { SqlCleanup } from './sql/cleanup.js';
import { SqlClients } from './sql/clients.js';
import { SqlConsents } from './sql/consents.js';
import { SqlDeviceCodes } from './sql/device-codes.js';
import { SqlFlood } from './sql/flood.js';
import { SqlGateRoutes } from './sql/gate-routes.js';
import { ChangeListeners, notifier } from './sql/notify.js';
import { SqlRefreshTokens } from './sql/refresh-tokens.js';
import { SqlRegistrations } from './sql/registrations.js';
import { SqlRevocations } from './sql/revocations.js';
import { SqlRoles } from './sql/roles.js';
import { SqlClaimMappings } from './sql/claim-mappings.js';
import { SqlResources } from './sql/resources.js';
import { SqlScopes } from './sql/scopes.js';
import { SqlSessions } from './sql/sessions.js';
import { SqlKeys } from './sql/signing-keys.js';
import { SqlUsers } from './sql/users.js';
import { SqlApiKeys } from './sql/api-keys.js';
import { SqlMailOutbox } from './sql/mail-outbox.js';
import { SqlUserTokens } from './sql/user-tokens.js';
import { SqlShownOnce } from './sql/shown-once.js';
import { SqlWebAuthnChallenges } from './sql/webauthn-challenges.js';
import { SqlWebAuthnCredentials } from './sql/webauthn-credentials.js';
import { SqlSecondFactors } from './sql/second-factors.js';
import { SqlPendingLogins } from './sql/pending-logins.js';
import type {
  ApiKeyRepository,
  AuditRepository,
  AuthorizationCodeRepository,
  CleanupRepository,
  ClientRepository,
  ConsentRepository,
  DeviceCodeRepository,
  FloodRepository,
  GateRouteRepository,
  RefreshTokenRepository,
  RegistrationRepository,
  RevocationRepository,
  RoleRepository,
  ScopeRepository,
  SessionRepository,
  SigningKeyRepository,
  Store,
  TransactionOptions,
  UserRepository,
  ClaimMappingRepository,
  ResourceRepository,
} from './store.js';

export interface SqlStoreOptions {
  /** PostgreSQL schema holding the tables, when not the default one */
  schema?: string;
  /** for a store bound to a transaction: its outer store's listeners, and the changes to tell them once it commits */
  transaction?: { listeners: ChangeListeners; committed: StoreChange[] };
  /** SQLite: the connection for the statements that skip Kysely (sqlite-direct.ts) */
  direct?: DirectSqlite | null;
}

export class SqlStore implements Store {
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
  readonly gateRoutes: GateRouteRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly mailOutbox: SqlMailOutbox;
  readonly userTokens: SqlUserTokens;
  readonly shownOnce: SqlShownOnce;
  readonly secondFactors: SqlSecondFactors;
  readonly pendingLogins: SqlPendingLogins;
  readonly deviceCodes: DeviceCodeRepository;
  readonly registrations: RegistrationRepository;
  readonly claimMappings: ClaimMappingRepository;
  readonly resources: ResourceRepository;
  readonly webauthnCredentials: SqlWebAuthnCredentials;
  readonly webauthnChallenges: SqlWebAuthnChallenges;

  readonly changes: ChangeSource | null;
  /** this process's listeners, shared with every transaction of this store */
  private readonly listeners: ChangeListeners;
  /** SQLite: the transactions that may share a commit (group-commit.ts); null inside a transaction and on PostgreSQL */
  private readonly group: GroupCommit | null;

  constructor(
    private readonly db: Kysely<Database>,
    readonly engine: Engine,
    private readonly onClose: () => Promise<void> = async () => db.destroy(),
    private readonly feed: ChangeFeed | null = null,
    private readonly storeOptions: SqlStoreOptions = {},
  ) {
    const { transaction, direct = null } = storeOptions;
    const listeners = transaction?.listeners ?? new ChangeListeners();
    this.listeners = listeners;
    this.group = engine === 'sqlite' && !transaction ? new GroupCommit(db, direct) : null;
    // what a subscriber hears from other processes, the listeners hear too
    this.changes = feed && {
      subscribe: (onChange, onState) =>
        feed.subscribe((change) => {
          listeners.tell(change);
          onChange(change);
        }, onState),
    };
    const notify = notifier(db, feed, transaction ? (change) => transaction.committed.push(change) : (change) => listeners.tell(change));
    this.users = new SqlUsers(db, notify);
    this.roles = new SqlRoles(db, notify);
    this.scopes = new SqlScopes(db, notify);
    this.clients = new SqlClients(db, notify);
    this.keys = new SqlKeys(db, notify);
    // a transaction's work joins it; otherwise its own transaction, shared on SQLite (group commit)
    const group = this.group;
    const atomically = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
      db.isTransaction ? fn(db) : group ? group.run(fn) : db.transaction().execute(fn);
    this.refreshTokens = new SqlRefreshTokens(db, engine, atomically, direct);
    this.revocations = new SqlRevocations(db, notify);
    this.flood = new SqlFlood(db, engine);
    this.audit = new SqlAudit(db, engine);
    this.sessions = new SqlSessions(db);
    this.codes = new SqlCodes(db, engine, atomically, direct);
    this.consents = new SqlConsents(db);
    this.cleanup = new SqlCleanup(db);
    this.gateRoutes = new SqlGateRoutes(db, notify);
    this.apiKeys = new SqlApiKeys(db, notify);
    this.mailOutbox = new SqlMailOutbox(db);
    this.userTokens = new SqlUserTokens(db);
    this.shownOnce = new SqlShownOnce(db);
    this.secondFactors = new SqlSecondFactors(db);
    this.pendingLogins = new SqlPendingLogins(db);
    this.deviceCodes = new SqlDeviceCodes(db);
    this.registrations = new SqlRegistrations(db);
    this.claimMappings = new SqlClaimMappings(db, notify);
    this.resources = new SqlResources(db, notify);
    this.webauthnCredentials = new SqlWebAuthnCredentials(db);
    this.webauthnChallenges = new SqlWebAuthnChallenges(db);
  }

  onChange(listener: ChangeListener): () => void {
    return this.listeners.add(listener);
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>, options?: TransactionOptions): Promise<T> {
    // already inside one: the work joins it (Kysely has no nested transactions)
    if (this.db.isTransaction) return fn(this);
    const committed: StoreChange[] = [];
    const bound = (trx: Kysely<Database>): Promise<T> =>
      fn(new SqlStore(trx, this.engine, async () => undefined, this.feed, { ...this.storeOptions, transaction: { listeners: this.listeners, committed } }));
    // PostgreSQL commits concurrent transactions on connections of their own: nothing to share
    const result = options?.shareCommit && this.group ? await this.group.run(bound) : await this.db.transaction().execute(bound);
    // only now, after the commit, is this process told; a rollback threw above and tells no one
    for (const change of committed) this.listeners.tell(change);
    return result;
  }

  async lock(name: string): Promise<void> {
    if (!this.db.isTransaction) throw new Error(`lock("${name}") outside a transaction would be released at once`);
    if (this.engine !== 'postgres') return; // BEGIN IMMEDIATE took the write lock (sqlite-dialect.ts)
    // per schema: deployments (and test schemas) sharing a database do not wait on each other
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${this.storeOptions.schema ?? ''}:${name}`}, 0))`.execute(this.db);
  }

  async migrate(): Promise<void> {
    // every start and every CLI command asks: with nothing pending, answer without the Migrator,
    // whose introspection reads the tables of every schema (below)
    if (await this.migrated()) return;
    for (let attempt = 1; ; attempt++) {
      // Kysely looks for its own tables by name in any schema unless told which: a kysely_migration
      // in another schema (a second deployment on the same database) would be taken for ours
      const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.engine), migrationTableSchema: this.storeOptions.schema });
      const { error, results } = await migrator.migrateToLatest();
      if (!error) return;
      // Kysely's PostgreSQL introspection calls pg_get_serial_sequence() on every schema's tables:
      // another schema dropped meanwhile (another deployment's, a test's) fails it with `schema "…"
      // does not exist`. Not ours: the migration runs again.
      const vanished = /schema "([^"]+)" does not exist/.exec((error as Error).message ?? '')?.[1];
      if (this.engine === 'postgres' && vanished !== undefined && vanished !== (this.storeOptions.schema ?? 'public') && attempt < 10) {
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
        continue;
      }
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(`database migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
    }
  }

  /** Whether every known migration is recorded as applied (false for a database never migrated). */
  private async migrated(): Promise<boolean> {
    const known = Object.keys(await migrationProvider(this.engine).getMigrations());
    try {
      // unqualified: PostgreSQL's search_path is the store's schema, as the Migrator's table is
      const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(this.db);
      const applied = new Set(rows.map((r) => r.name));
      return known.every((name) => applied.has(name));
    } catch {
      return false;
    }
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}
