// The storage boundary: small repositories, one per concept, each in repositories/<name>.ts and
// stating its atomicity. One SQL implementation (sql-store.ts, composing sql/<name>.ts) serves
// every engine Kysely speaks to; nothing above this folder knows SQL.
import type { ChangeListener, ChangeSource } from './change-feed.js';
import type { AuditRepository } from './repositories/audit.js';
import type { AuthorizationCodeRepository } from './repositories/authorization-codes.js';
import type { CleanupRepository } from './repositories/cleanup.js';
import type { ClientRepository } from './repositories/clients.js';
import type { ConsentRepository } from './repositories/consents.js';
import type { DeviceCodeRepository } from './repositories/device-codes.js';
import type { FloodRepository } from './repositories/flood.js';
import type { GateRouteRepository } from './repositories/gate-routes.js';
import type { RefreshTokenRepository } from './repositories/refresh-tokens.js';
import type { RegistrationRepository } from './repositories/registrations.js';
import type { RevocationRepository } from './repositories/revocations.js';
import type { RoleRepository } from './repositories/roles.js';
import type { ScopeRepository } from './repositories/scopes.js';
import type { ClaimMappingRepository } from './repositories/claim-mappings.js';
import type { ResourceRepository } from './repositories/resources.js';
import type { SessionRepository } from './repositories/sessions.js';
import type { SigningKeyRepository } from './repositories/signing-keys.js';
import type { UserRepository } from './repositories/users.js';
import type { ApiKeyRepository } from './repositories/api-keys.js';
import type { MailOutboxRepository } from './repositories/mail-outbox.js';
import type { UserTokenRepository } from './repositories/user-tokens.js';
import type { ShownOnceRepository } from './repositories/shown-once.js';
import type { WebAuthnChallengeRepository } from './repositories/webauthn-challenges.js';
import type { WebAuthnCredentialRepository } from './repositories/webauthn-credentials.js';
import type { SecondFactorRepository } from './repositories/second-factors.js';
import type { PendingLoginRepository } from './repositories/pending-logins.js';

export type * from './repositories/audit.js';
export type * from './repositories/authorization-codes.js';
export type * from './repositories/cleanup.js';
export type * from './repositories/clients.js';
export type * from './repositories/consents.js';
export type * from './repositories/device-codes.js';
export type * from './repositories/flood.js';
export type * from './repositories/gate-routes.js';
export type * from './repositories/refresh-tokens.js';
export type * from './repositories/registrations.js';
export type * from './repositories/revocations.js';
export type * from './repositories/roles.js';
export type * from './repositories/scopes.js';
export type * from './repositories/sessions.js';
export type * from './repositories/signing-keys.js';
export type * from './repositories/users.js';
export type * from './repositories/api-keys.js';
export type * from './repositories/mail-outbox.js';
export type * from './repositories/user-tokens.js';
export type * from './repositories/shown-once.js';
export type * from './repositories/claim-mappings.js';
export type * from './repositories/resources.js';
export type * from './repositories/webauthn-credentials.js';
export type * from './repositories/webauthn-challenges.js';
export type * from './repositories/second-factors.js';
export type * from './repositories/pending-logins.js';

/** Every repository of a store, by the name a flow asks for it. */
export interface Repositories {
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
  readonly mailOutbox: MailOutboxRepository;
  readonly userTokens: UserTokenRepository;
  readonly shownOnce: ShownOnceRepository;
  readonly deviceCodes: DeviceCodeRepository;
  readonly registrations: RegistrationRepository;
  readonly claimMappings: ClaimMappingRepository;
  readonly resources: ResourceRepository;
  readonly webauthnCredentials: WebAuthnCredentialRepository;
  readonly webauthnChallenges: WebAuthnChallengeRepository;
  readonly secondFactors: SecondFactorRepository;
  readonly pendingLogins: PendingLoginRepository;
}

/**
 * What one flow may use of the store: the repositories it names, and transactions over them
 * (fosite's storage interface per handler). Every Store is one; a flow typed with it says what
 * it touches, and tests or new stores need only those repositories.
 */
export type StoreFor<K extends keyof Repositories> = Pick<Repositories, K> & {
  transaction<T>(fn: (tx: StoreFor<K>) => Promise<T>, options?: TransactionOptions): Promise<T>;
};

export interface TransactionOptions {
  /**
   * SQLite: this short transaction may share its COMMIT with others arriving meanwhile (group
   * commit, group-commit.ts) — in a savepoint of its own, answered only once the shared commit
   * is done. Only for `fn`s that do database work and nothing else (no signing, no network),
   * as the whole group waits while each runs. PostgreSQL ignores it.
   */
  shareCommit?: boolean;
}

export interface Store extends Repositories {
  readonly engine: 'sqlite' | 'postgres';
  /** runs `fn` in one transaction; the store it receives is bound to that transaction */
  transaction<T>(fn: (tx: Store) => Promise<T>, options?: TransactionOptions): Promise<T>;
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
  /**
   * The changes other instances commit (PostgreSQL NOTIFY, SQLite change versions), for whoever
   * must follow them; null for an in-memory database, which no other process can reach. What a
   * subscriber hears, onChange's listeners hear too.
   */
  readonly changes: ChangeSource | null;
  /**
   * Tells `listener` of every change to users, clients, keys, roles and scopes, or revocations
   * that this store (or a transaction of it) commits — synchronously, right after the commit;
   * nothing of a transaction rolled back — and of what `changes` brings from other instances
   * while someone subscribes. Returns the function that stops it.
   */
  onChange(listener: ChangeListener): () => void;
  close(): Promise<void>;
}
