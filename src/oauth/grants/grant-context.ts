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
    /** RFC 8176 methods of the login (the session's); a password login when absent */
    amr?: readonly string[];
    accessToken: string;
  }): Promise<string>;
}

/** Whether a user must pass a second factor at login (src/accounts/second-factors/ answers). */
export interface SecondFactorPolicy {
  requirement(user: User): Promise<'none' | 'verify' | 'enrol'>;
}

export interface GrantContext {
  store: GrantStore;
  tokens: TokenService;
  idTokens: IdTokenIssuer;
  catalog: AccessCatalog;
  clock: Clock;
  users: UserAuthenticator;
  /** the password grant refuses users who log in with a second factor */
  secondFactors: SecondFactorPolicy;
  revocations: RevocationView;
  sealer: TokenSealer;
  /** when each device code was last polled (RFC 8628 slow_down) */
  devicePolls: DevicePolls;
  /** the requesting client's address, for flood control */
  ip: string;
}
