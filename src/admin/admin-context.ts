// What administrative operations run on: the store, the clock, the secrets, where their audit
// entries go and how this process's in-memory views learn of a change. Each surface builds one:
// the server from its services (buffered audit log, views refreshed at once), the CLI and `apply`
// with operatorContext (audit rows written with the change; running servers follow the change feed).
import type { Clock } from '../clock.js';
import type { ClientSecrets } from '../crypto/client-secret.js';
import type { AuditEntry, Store } from '../store/store.js';

/** An audit entry of an administrative change; its time is stamped by the sink. */
export type AdminAuditEntry = Omit<AuditEntry, 'at'>;

/**
 * Where operations write their audit entries. `store` is the store the change was made through
 * (inside `apply`, its transaction): a sink that writes rows should write them there, so that the
 * entry commits, or rolls back, with the change.
 */
export interface AuditSink {
  record(store: Store, entry: AdminAuditEntry): Promise<void>;
}

/**
 * This process's in-memory views of what the store holds. After a change an operation brings them
 * up to date, so the next request here sees it; other processes hear of it through the change feed.
 */
export interface LocalViews {
  /** after tokens were revoked or a user blocked: the revocation view */
  revocations(): Promise<void>;
  /** after a role or a scope changed: the access catalog */
  catalog(): Promise<void>;
  /** after a signing key changed: the key ring */
  keys(): Promise<void>;
}

export interface AdminContext {
  store: Store;
  clock: Clock;
  /** digests and generates client secrets (keyed with GATEHOUSE_SECRET) */
  secrets: ClientSecrets;
  /** GATEHOUSE_SECRET itself, which seals the private signing keys */
  keySecret: string;
  audit: AuditSink;
  views: LocalViews;
}

/** A process that holds no views of its own (the CLI): servers follow the change feed. */
export const NO_LOCAL_VIEWS: LocalViews = {
  revocations: async () => undefined,
  catalog: async () => undefined,
  keys: async () => undefined,
};

/** Audit rows written through the store the change was made with, stamped by `clock`. */
export function storeAuditSink(clock: Clock): AuditSink {
  return {
    async record(store, entry) {
      await store.audit.append([{ ...entry, at: clock.now() }]);
    },
  };
}

/** The context of the operator's commands (CLI, `apply`): audit rows with the change, no views. */
export function operatorContext(options: { store: Store; clock: Clock; secrets: ClientSecrets; keySecret: string }): AdminContext {
  return { ...options, audit: storeAuditSink(options.clock), views: NO_LOCAL_VIEWS };
}

/** The same context working through `store` (a transaction of its store). */
export function within(ctx: AdminContext, store: Store): AdminContext {
  return { ...ctx, store };
}
