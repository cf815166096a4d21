// Client authentication: the methods Gatehouse ships, each registering itself when imported here
// (a new method is a new file in this folder and its line below), and what the endpoints use.
import './client-secret-basic.js';
import './client-secret-post.js';
import './none.js';

export {
  type AuthenticateClientDeps,
  type AuthenticateClientOptions,
  type AuthenticatedClient,
  authenticateClient,
  claimedClientId,
} from './authenticate-client.js';
export type { ClientAuthDeps, ClientAuthMethod, ClientAuthRequest } from './method.js';
export {
  allowedClientAuthMethods,
  clientAuthMethod,
  clientAuthMethodNames,
  clientAuthMethodProblem,
  clientAuthMethods,
  registerClientAuthMethod,
} from './registry.js';
