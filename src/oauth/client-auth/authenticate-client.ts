// Authenticating the client of a request, for every endpoint that does (/oauth/token,
// /oauth/introspect, /oauth/revoke, and miniOrange's /rest_api/access_token and /rest_api/revoke):
// find the one method the request uses, the client it names, check the method is one that client
// may use, and check the credential. An unknown or disabled client costs the same work as a
// wrong credential, so timing does not tell which it was.
import type { Client } from '../../domain/client.js';
import type { ClientRepository } from '../../store/store.js';
import { OAuthFailure } from '../oauth-failure.js';
import { type ClientAuthDeps, type ClientAuthMethod, type ClientAuthRequest, NONE } from './method.js';
import { allowedClientAuthMethods, clientAuthMethod, clientAuthMethods } from './registry.js';

export interface AuthenticateClientDeps extends ClientAuthDeps {
  store: { clients: Pick<ClientRepository, 'get'> };
}

export interface AuthenticateClientOptions {
  /**
   * miniOrange's module never checks a secret for its password grant, so its clients may send
   * one they do not have: a public client's secret is then ignored instead of refused.
   */
  publicClientSecret?: 'refuse' | 'ignore';
}

export interface AuthenticatedClient {
  client: Client;
  /** the method that authenticated it */
  method: string;
}

const failed = 'Client authentication failed';

/** The one method the request uses (RFC 6749 §2.3: never more than one). */
function methodOf(request: ClientAuthRequest): ClientAuthMethod {
  const methods = clientAuthMethods();
  const present = methods.filter((m) => !m.fallback && m.presentIn(request));
  if (present.length > 1) {
    const shown = present.map((m) => m.shownAs);
    throw new OAuthFailure(
      'invalid_parameter',
      `Use one client authentication method: ${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}, not ${present.length === 2 ? 'both' : 'several'}.`,
    );
  }
  const method = present[0] ?? methods.find((m) => m.fallback && m.presentIn(request));
  if (!method) throw OAuthFailure.missing('client_id');
  return method;
}

/** The client the request's credentials prove, or OAuthFailure. */
export async function authenticateClient(
  deps: AuthenticateClientDeps,
  request: ClientAuthRequest,
  options: AuthenticateClientOptions = {},
): Promise<AuthenticatedClient> {
  const presented = methodOf(request);
  const { clientId, credential } = presented.read(request);
  if (clientId === undefined) throw OAuthFailure.missing('client_id');
  // a method that names the client without proving anything counts as none
  const method = credential === null ? (clientAuthMethod(NONE) ?? presented) : presented;
  const client = await deps.store.clients.get(clientId);
  if (!client?.status) {
    if (credential !== null) await method.verify(credential, null, deps); // the same work as a wrong credential
    throw new OAuthFailure('unknown_client', failed);
  }
  const allowed = allowedClientAuthMethods(client);
  if (!allowed.includes(method.name)) {
    if (client.confidential && method.clientType === 'public') throw new OAuthFailure('bad_client_secret', failed); // no credential at all
    if (!client.confidential && method.clientType === 'confidential') {
      if (options.publicClientSecret === 'ignore' && allowed.includes(NONE)) return { client, method: NONE };
      throw new OAuthFailure('bad_client_secret', failed).withHint('Public clients authenticate with client_id alone');
    }
    throw new OAuthFailure('auth_method_not_allowed', failed).withHint(`This client authenticates with ${allowed.join(' or ')}, not ${method.name}.`);
  }
  if (credential !== null && !(await method.verify(credential, client, deps))) throw new OAuthFailure('bad_client_secret', failed);
  return { client, method: method.name };
}

/** The client id the request names, for the audit trail of a refused request; never throws. */
export function claimedClientId(request: ClientAuthRequest): string | undefined {
  try {
    return methodOf(request).read(request).clientId;
  } catch {
    return typeof request.params.client_id === 'string' ? request.params.client_id : undefined;
  }
}
