// The gate (issue 12): Gatehouse in front of someone else's API. This folder owns the route table
// in force, the decision (src/gate/gate-decision.ts), the credential methods (methods/), the
// identity headers, /gate/check (forward-auth) and the built-in proxy. One Gate per instance,
// built by src/services.ts.
import type { Clock } from '../clock.js';
import type { KeyRing } from '../crypto/keys.js';
import type { GateRoute } from '../domain/gate-route.js';
import type { CredentialMethod, GateAuthMethodName } from './credential-method.js';
import { GateDecision } from './gate-decision.js';
import { type DenialAudit, type DenialLog, GateDenialRecorder } from './gate-denial-log.js';
import { IdentitySigner } from './gate-identity.js';
import { GateRouteTable } from './gate-route-table.js';
import { createCredentialMethods, type GateMethodDeps } from './methods/index.js';

export interface GateDeps extends GateMethodDeps {
  keys: Pick<KeyRing, 'signingKey'>;
  issuer: string;
  clock: Clock;
  audit: DenialAudit;
  log: DenialLog;
  /** whether X-Forwarded-For from the client is trusted (GATEHOUSE_TRUST_PROXY) */
  trustProxy: boolean;
  loadRoutes: () => Promise<GateRoute[]>;
}

export class Gate {
  readonly routes: GateRouteTable;
  readonly methods: ReadonlyMap<GateAuthMethodName, CredentialMethod>;
  readonly decision: GateDecision;
  readonly identities: IdentitySigner;
  readonly denials: GateDenialRecorder;
  readonly trustProxy: boolean;

  constructor(deps: GateDeps) {
    this.routes = new GateRouteTable(deps.loadRoutes);
    this.methods = createCredentialMethods(deps);
    this.decision = new GateDecision(this.routes, this.methods);
    this.identities = new IdentitySigner({ keys: deps.keys, clock: deps.clock, issuer: deps.issuer });
    this.denials = new GateDenialRecorder(deps.metrics, deps.audit, deps.log);
    this.trustProxy = deps.trustProxy;
  }
}
