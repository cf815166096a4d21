// client_secret_post (RFC 6749 §2.3.1): client_id and client_secret in the request body.
import { registerClientAuthMethod } from './registry.js';

registerClientAuthMethod<string>({
  name: 'client_secret_post',
  clientType: 'confidential',
  byDefault: true,
  shownAs: 'client_secret in the body',
  presentIn: (request) => request.params.client_secret !== undefined,
  read: (request) => ({ clientId: request.params.client_id, credential: request.params.client_secret ?? null }),
  verify: (secret, client, { secrets }) => secrets.matches(secret, client?.secretDigest ?? null),
});
