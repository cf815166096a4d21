// The gate's decision for one request (issue 12 parts 1 and 5), the same for the built-in proxy
// and for /gate/check: normalise the target, match a route, filter the client IP, read the
// credential, pick the method that recognises it (one the route accepts), authenticate, check the
// permission and scopes. Every refusal is a GateDenial, with the route when one matched.
import { normaliseRequestTarget } from '../domain/gate-match.js';
import type { GateRoute } from '../domain/gate-route.js';
import type { CredentialMethod, GateAuthMethodName, GateIdentity, PresentedCredential } from './credential-method.js';
import { GateDenial, gateDenials } from './gate-denial.js';
import type { GateRouteTable } from './gate-route-table.js';

/** The request the gate decides on (for /gate/check: the original one its headers name). */
export interface GateRequest {
  method: string;
  /** the request target as sent: path and query */
  target: string;
  /** a request header by lower-case name (the first value when repeated) */
  header(name: string): string | undefined;
  /** the client IP as GATEHOUSE_TRUST_PROXY decides */
  ip: string;
}

export interface GateAllowed {
  route: GateRoute;
  /** null on a public route */
  identity: GateIdentity | null;
  /** the normalised path and the query, as the upstream gets them */
  path: string;
  query: string;
}

export type GateVerdict = { allowed: GateAllowed } | { denial: GateDenial; route: GateRoute | null };

export class GateDecision {
  constructor(
    private readonly table: GateRouteTable,
    private readonly methods: ReadonlyMap<GateAuthMethodName, CredentialMethod>,
  ) {}

  async decide(request: GateRequest): Promise<GateVerdict> {
    const target = normaliseRequestTarget(request.target);
    if ('refused' in target) return { denial: gateDenials.badPath(target.refused), route: null };
    const match = this.table.match(target.path, request.method);
    if ('noRoute' in match) return { denial: gateDenials.noRoute(), route: null };
    if ('allow' in match) return { denial: gateDenials.methodNotAllowed(match.allow), route: null };
    const { route } = match;
    try {
      if (!this.table.ipAllowed(route, request.ip)) throw gateDenials.ipNotAllowed();
      const identity = route.public ? null : await this.authenticate(route, request);
      return { allowed: { route, identity, path: target.path, query: target.query } };
    } catch (error) {
      if (error instanceof GateDenial) return { denial: error, route };
      throw error;
    }
  }

  private async authenticate(route: GateRoute, request: GateRequest): Promise<GateIdentity> {
    const credential: PresentedCredential = {
      authorization: nonEmpty(request.header(route.authHeader ?? 'authorization')),
      apiKey: nonEmpty(request.header('x-api-key')),
      ip: request.ip,
    };
    if (credential.authorization === undefined && credential.apiKey === undefined) throw gateDenials.missingHeader();
    const method = this.recognise(route, credential);
    const identity = await method.authenticate(credential);
    checkGrants(route, identity);
    return identity;
  }

  /** The method of the route that recognises the credential; a scheme the route does not accept is a 401 naming those it does. */
  private recognise(route: GateRoute, credential: PresentedCredential): CredentialMethod {
    for (const name of route.auth) {
      const method = this.methods.get(name);
      if (method?.recognises(credential)) return method;
    }
    throw gateDenials.wrongScheme(route.auth.map(schemeLabel));
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** How a 401 names an accepted method to a human. */
function schemeLabel(method: GateAuthMethodName): string {
  if (method === 'bearer') return 'Bearer token';
  if (method === 'basic') return 'Basic (username and password)';
  return 'API key (X-API-Key, or Basic username:key)';
}

/** The route's permission and every scope it lists must be granted; the 403 names what is missing. */
function checkGrants(route: GateRoute, identity: GateIdentity): void {
  if (route.permission !== null && !identity.permissions.has(route.permission)) throw gateDenials.insufficient(`the permission "${route.permission}"`);
  const missing = route.scopes.filter((scope) => !identity.scopes.includes(scope));
  if (missing.length > 0) throw gateDenials.insufficient(`the scope${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"${s}"`).join(', ')}`);
}
