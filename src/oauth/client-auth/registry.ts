// The client authentication methods Gatehouse knows, in the order they registered (authlib's
// register_client_auth_method). Discovery lists them from here, the admin operations validate a
// client's tokenEndpointAuthMethod against them, and authenticateClient runs them.
import type { Client } from '../../domain/client.js';
import type { ClientAuthMethod } from './method.js';

const methods = new Map<string, ClientAuthMethod>();

/** Adds a method; each method's own file calls this when it is imported. */
export function registerClientAuthMethod<C>(method: ClientAuthMethod<C>): void {
  if (methods.has(method.name)) throw new Error(`client authentication method ${method.name} is registered twice`);
  methods.set(method.name, method as ClientAuthMethod);
}

export function clientAuthMethods(): ClientAuthMethod[] {
  return [...methods.values()];
}

export function clientAuthMethod(name: string): ClientAuthMethod | undefined {
  return methods.get(name);
}

/** Names of the registered methods, optionally only those for one type of client. */
export function clientAuthMethodNames(clientType?: ClientAuthMethod['clientType']): string[] {
  return clientAuthMethods()
    .filter((m) => clientType === undefined || m.clientType === clientType)
    .map((m) => m.name);
}

/**
 * The methods a client may authenticate with: the one it names (RFC 7591 §2), or, unset, every
 * method allowed by default to its type — HTTP Basic or the body for a confidential client,
 * `none` for a public one (docs/compatibility.md §4).
 */
export function allowedClientAuthMethods(client: Pick<Client, 'confidential' | 'tokenEndpointAuthMethod'>): string[] {
  if (client.tokenEndpointAuthMethod !== null) return [client.tokenEndpointAuthMethod];
  const type = client.confidential ? 'confidential' : 'public';
  return clientAuthMethods()
    .filter((m) => m.clientType === type && m.byDefault)
    .map((m) => m.name);
}

/** Why a client may not name this method, or null when it may. */
export function clientAuthMethodProblem(name: string, confidential: boolean): string | null {
  const method = methods.get(name);
  if (!method) return `"${name}" is not a client authentication method Gatehouse supports (${clientAuthMethodNames().join(', ')})`;
  if (confidential && method.clientType === 'public') return `${name} is for public clients; a confidential client proves itself with its secret`;
  if (!confidential && method.clientType === 'confidential') return `${name} is for confidential clients; a public client has no secret (use none)`;
  return null;
}
