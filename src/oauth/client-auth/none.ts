// none (RFC 7591 §2): a public client names itself with client_id and proves nothing; what binds
// its requests to it is elsewhere (PKCE, the registered redirect URI).
import { NONE } from './method.js';
import { registerClientAuthMethod } from './registry.js';

registerClientAuthMethod<null>({
  name: NONE,
  clientType: 'public',
  byDefault: true,
  shownAs: 'client_id alone',
  fallback: true,
  presentIn: (request) => request.params.client_id !== undefined,
  read: (request) => ({ clientId: request.params.client_id, credential: null }),
  verify: () => true,
});
