// What a client authentication method is (RFC 6749 §2.3, RFC 7591 §2's
// token_endpoint_auth_method): how it finds a client's credential in a request, and how it checks
// that credential against the client. Each method is one file in this folder that registers
// itself (registry.ts); authenticate-client.ts runs whichever one a request uses.
import type { ClientSecrets } from '../../crypto/client-secret.js';
import type { Client } from '../../domain/client.js';
import type { Params } from '../params.js';

/** The method of a client that names itself and proves nothing: public clients' (none.ts). */
export const NONE = 'none';

/** The parts of a request a method may read. */
export interface ClientAuthRequest {
  headers: Record<string, string | string[] | undefined>;
  /** the body's parameters, each once */
  params: Params;
}

/** What verifying a credential may use. */
export interface ClientAuthDeps {
  secrets: Pick<ClientSecrets, 'matches'>;
}

export interface ClientAuthMethod<Credential = unknown> {
  /** the RFC 7591 name, as stored in `Client.tokenEndpointAuthMethod` and listed in discovery */
  readonly name: string;
  /** `confidential`: the client proves it holds a credential; `public`: it only names itself */
  readonly clientType: 'confidential' | 'public';
  /** allowed to every client of that type whose tokenEndpointAuthMethod is unset (Simple OAuth's behaviour) */
  readonly byDefault: boolean;
  /** how a request shows it, for "use one method": e.g. "HTTP Basic" */
  readonly shownAs: string;
  /** considered only when no other method is present in the request (`none`) */
  readonly fallback?: boolean;
  /** whether the request uses this method; cheap, never throws */
  presentIn(request: ClientAuthRequest): boolean;
  /**
   * The client the request names and its credential; `credential: null` when it names the client
   * without proving anything (then it counts as `none`). Throws OAuthFailure when malformed.
   */
  read(request: ClientAuthRequest): { clientId: string | undefined; credential: Credential | null };
  /**
   * Whether the credential proves the client. `client` is null for an unknown or disabled client:
   * do the same work as for a wrong credential, and return false.
   */
  verify(credential: Credential, client: Client | null, deps: ClientAuthDeps): boolean | Promise<boolean>;
}
