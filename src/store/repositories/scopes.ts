// Scopes the operator defines (the built-in OpenID Connect ones are not stored).
import type { Scope } from '../../domain/scope.js';

export interface ScopeRepository {
  /** stored scopes only; the built-in OIDC scopes are not rows */
  list(): Promise<Scope[]>;
  get(name: string): Promise<Scope | null>;
  upsert(scope: Scope): Promise<void>;
  /** removes the scope; true when it existed (clients and child scopes naming it are the caller's to check) */
  delete(name: string): Promise<boolean>;
}
