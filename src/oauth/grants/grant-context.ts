// What every grant receives: the collaborators it needs, passed in, so a grant is a plain
// function of its inputs.
import type { Clock } from '../../clock.js';
import type { TokenSealer } from '../../crypto/token-sealing.js';
import type { AccessCatalog } from '../../domain/access.js';
import type { User } from '../../domain/user.js';
import type { RevocationView } from '../../resource/revocation-view.js';
import type { StoreFor } from '../../store/store.js';
import type { TokenService } from '../token-service.js';
import type { DevicePolls } from '../device-polls.js';
import type { UserAuthenticator } from '../user-authenticator.js';

/** The repositories the grants use, and nothing else of the store. */
export type GrantStore = StoreFor<'users' | 'refreshTokens' | 'codes' | 'revocations' | 'deviceCodes'>;

/** Makes the ID token of an authorization code granted with `openid` (src/oidc/id-token.ts does). */
export interface IdTokenIssuer {
  issue(options: {
    user: User;
    clientId: string;
    scopes: readonly string[];
    /** claims the `claims` request parameter asked the ID token for (OIDC Core §5.5) */
    claims: readonly string[];
    nonce: string | null;
    authTime: number;
    accessToken: string;
  }): Promise<string>;
}

export interface GrantContext {
  store: GrantStore;
  tokens: TokenService;
  idTokens: IdTokenIssuer;
  catalog: AccessCatalog;
  clock: Clock;
  users: UserAuthenticator;
  revocations: RevocationView;
  sealer: TokenSealer;
  /** when each device code was last polled (RFC 8628 slow_down) */
  devicePolls: DevicePolls;
  /** the requesting client's address, for flood control */
  ip: string;
}
