// The registry of gate credential methods (issue 12 part 4): one file per method, listed here.
// The methods get what they need through GateMethodDeps, handed over by src/services.ts.
import type { Clock } from '../../clock.js';
import type { AccessCatalog } from '../../domain/access.js';
import type { FloodControl } from '../../oauth/flood-control.js';
import type { UserAuthenticator } from '../../oauth/user-authenticator.js';
import type { BearerGuard } from '../../resource/bearer-guard.js';
import type { Store } from '../../store/store.js';
import type { CredentialMethod, GateAuthMethodName } from '../credential-method.js';
import { apiKeyMethod } from './api-key.js';
import { basicMethod } from './basic.js';
import { bearerMethod } from './bearer.js';

/** What the gate counts (src/metrics.ts implements it). */
export interface GateMetrics {
  /** a request the gate refused, by code and route name ('' when no route matched) */
  gateDenied(code: string, route: string): void;
}

export interface GateMethodDeps {
  /** users and clients through the read-through cache */
  store: Store;
  /** the store itself, for checks that must see another process's write at once */
  database: Store;
  catalog: () => AccessCatalog;
  bearer: BearerGuard;
  flood: FloodControl;
  /** the password check of the login and the password grant */
  passwords: UserAuthenticator;
  clock: Clock;
  /** the server secret, for keyed digests */
  secret: string;
  metrics: GateMetrics;
}

export function createCredentialMethods(deps: GateMethodDeps): Map<GateAuthMethodName, CredentialMethod> {
  return new Map<GateAuthMethodName, CredentialMethod>([
    ['bearer', bearerMethod(deps)],
    ['api_key', apiKeyMethod(deps)],
    ['basic', basicMethod(deps)],
  ]);
}
