// client_secret_basic (RFC 6749 §2.3.1): the client id and secret in an HTTP Basic header.
import type { ClientAuthRequest } from './method.js';
import { OAuthFailure } from '../oauth-failure.js';
import { registerClientAuthMethod } from './registry.js';

const malformed = (): OAuthFailure => new OAuthFailure('invalid_client_auth', 'Client authentication failed');

function authorizationOf(request: ClientAuthRequest): string | undefined {
  const value = request.headers.authorization;
  return typeof value === 'string' ? value : undefined;
}

function decodePart(value: string): string {
  // §2.3.1: id and secret are form-urlencoded before Basic encoding
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw malformed();
  }
}

registerClientAuthMethod<string>({
  name: 'client_secret_basic',
  clientType: 'confidential',
  byDefault: true,
  shownAs: 'HTTP Basic',
  presentIn: (request) => /^basic\s/i.test(authorizationOf(request) ?? ''),
  read(request) {
    const decoded = Buffer.from((authorizationOf(request) ?? '').slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw malformed();
    const clientId = decodePart(decoded.slice(0, colon));
    if (request.params.client_id !== undefined && request.params.client_id !== clientId) {
      throw new OAuthFailure('invalid_parameter', 'The client_id parameter does not match the HTTP Basic credentials.');
    }
    // `id:` with no password only names the client, as a public client may
    return { clientId, credential: decodePart(decoded.slice(colon + 1)) || null };
  },
  verify: (secret, client, { secrets }) => secrets.matches(secret, client?.secretDigest ?? null),
});
