// What every grant receives: the collaborators it needs, passed in, so a grant is a plain
// function of its inputs.
import type { AccessCatalog } from '../../domain/access.js';
import type { Clock } from '../../clock.js';
import type { TokenSealer } from '../../crypto/token-sealing.js';
import type { RevocationView } from '../../resource/revocation-view.js';
import type { StoreFor } from '../../store/store.js';
import type { IdTokens } from '../../oidc/id-token.js';
import type { TokenService } from '../token-service.js';
import type { UserAuthenticator } from '../user-authenticator.js';

/** The repositories the grants use, and nothing else of the store. */
export type GrantStore = StoreFor<'users' | 'refreshTokens' | 'codes' | 'revocations'>;

export interface GrantContext {
  store: GrantStore;
  tokens: TokenService;
  idTokens: IdTokens;
  catalog: AccessCatalog;
  clock: Clock;
  users: UserAuthenticator;
  revocations: RevocationView;
  sealer: TokenSealer;
  /** the requesting client's address, for flood control */
  ip: string;
}
