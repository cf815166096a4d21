// Client authentication at the token endpoint (RFC 6749 §2.3): HTTP Basic or the request body,
// never both; public clients identify themselves by client_id alone.
import type { ClientSecrets } from '../crypto/client-secret.js';
import type { Client } from '../domain/client.js';
import type { Store } from '../store/store.js';
import { OAuthFailure } from './oauth-failure.js';
import type { Params } from './params.js';

export interface ClientCredentials {
  clientId: string | undefined;
  secret: string | undefined;
  usedBasic: boolean;
}

const failed = (): OAuthFailure => new OAuthFailure('invalid_client_auth', 'Client authentication failed');

function decodeBasicPart(value: string): string {
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw failed();
  }
}

/** Reads the client's credentials from the Authorization header or the body. */
export function readClientCredentials(authorization: string | undefined, params: Params): ClientCredentials {
  if (authorization !== undefined && /^basic\s/i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw failed();
    if (params.client_secret !== undefined) {
      throw new OAuthFailure('invalid_parameter', 'Use one client authentication method: HTTP Basic or client_secret in the body, not both.');
    }
    const clientId = decodeBasicPart(decoded.slice(0, colon));
    if (params.client_id !== undefined && params.client_id !== clientId) {
      throw new OAuthFailure('invalid_parameter', 'The client_id parameter does not match the HTTP Basic credentials.');
    }
    return { clientId, secret: decodeBasicPart(decoded.slice(colon + 1)) || undefined, usedBasic: true };
  }
  return { clientId: params.client_id, secret: params.client_secret, usedBasic: false };
}

/** The client these credentials prove, or OAuthFailure. */
export async function authenticateClient(store: Store, secrets: ClientSecrets, credentials: ClientCredentials): Promise<Client> {
  if (credentials.clientId === undefined) throw OAuthFailure.missing('client_id');
  const client = await store.clients.get(credentials.clientId);
  if (!client) {
    if (credentials.secret !== undefined) secrets.matches(credentials.secret, null); // same work as a wrong secret
    throw new OAuthFailure('unknown_client', 'Client authentication failed');
  }
  if (!client.status) throw new OAuthFailure('unknown_client', 'Client authentication failed');
  if (client.confidential) {
    if (credentials.secret === undefined || !secrets.matches(credentials.secret, client.secretDigest)) {
      throw new OAuthFailure('bad_client_secret', 'Client authentication failed');
    }
  } else if (credentials.secret !== undefined) {
    // a public client has no secret; one that sends one is misconfigured or not who it says
    throw new OAuthFailure('bad_client_secret', 'Client authentication failed', { hint: 'Public clients authenticate with client_id alone' });
  }
  return client;
}
