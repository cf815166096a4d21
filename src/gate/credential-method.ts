// One way a gate route accepts a credential (issue 12 part 4): each method is one file under
// src/gate/methods/, listed in src/gate/methods/index.ts.
import type { PermissionSet } from '../domain/access.js';

export type GateAuthMethodName = 'bearer' | 'api_key' | 'basic';

/** What the request presented, read once from the route's credential header. */
export interface PresentedCredential {
  /** the raw header value (Authorization, or the route's authHeader), if any */
  authorization: string | undefined;
  /** the X-API-Key header, if any */
  apiKey: string | undefined;
  /** the client IP as GATEHOUSE_TRUST_PROXY decides */
  ip: string;
}

/** Who the credential proved, and what it may do. */
export interface GateIdentity {
  method: GateAuthMethodName;
  uid: number;
  userName: string;
  /** the OAuth client, for bearer tokens only */
  clientId: string | null;
  /** the scopes the credential carries (token scopes; an API key's scopes; [] for basic) */
  scopes: string[];
  /** what it grants: user permissions ∩ scope permissions (all the user's permissions for basic,
   *  and for an API key without scopes) */
  permissions: PermissionSet;
}

export interface CredentialMethod {
  name: GateAuthMethodName;
  /** the WWW-Authenticate challenge this method adds to every 401 of a route accepting it */
  challenge: string;
  /** true when the request presents a credential of this method (a Basic header whose password
   *  starts with `ghk_` or an X-API-Key header is api_key; another Basic header is basic; a Bearer
   *  header is bearer) */
  recognises(credential: PresentedCredential): boolean;
  /** checks it; throws a GateDenial (src/gate/gate-denial.ts) when refused */
  authenticate(credential: PresentedCredential): Promise<GateIdentity>;
}
