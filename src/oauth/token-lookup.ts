// Finds what an opaque string presented to introspection or revocation is: one of our live
// access tokens (a JWT the guard accepts) or a live refresh token. The hint orders the search;
// it is never trusted to end it, and one the server does not know is ignored (RFC 7009 §2.1,
// RFC 7662 §2.1).
import { type Clock, nowSeconds } from '../clock.js';
import type { Config } from '../config.js';
import { tokenDigest } from '../crypto/secrets.js';
import type { AccessCatalog } from '../domain/access.js';
import type { BearerGuard, Principal } from '../resource/bearer-guard.js';
import type { RevocationView } from '../resource/revocation-view.js';
import type { RefreshTokenRepository, RefreshTokenRow } from '../store/store.js';

/** What finding a presented token uses; Services provides it. */
export interface TokenLookupDeps {
  guard: Pick<BearerGuard, 'check'>;
  store: { refreshTokens: Pick<RefreshTokenRepository, 'findByDigest'> };
  clock: Clock;
  revocations: Pick<RevocationView, 'isBlocked'>;
  config: Pick<Config, 'audience'>;
  /** registered resources (RFC 8707): their tokens are found too */
  catalog: Pick<AccessCatalog, 'resources'>;
}

export type LiveToken = { kind: 'access'; principal: Principal } | { kind: 'refresh'; row: RefreshTokenRow };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

async function liveAccessToken(services: TokenLookupDeps, token: string): Promise<LiveToken | null> {
  if (!JWT_SHAPE.test(token)) return null;
  try {
    const audiences = [services.config.audience, ...(services.catalog.resources?.keys() ?? [])];
    return { kind: 'access', principal: await services.guard.check(token, audiences) };
  } catch {
    return null;
  }
}

async function liveRefreshToken(services: TokenLookupDeps, token: string): Promise<LiveToken | null> {
  if (token.length > 512) return null;
  const row = await services.store.refreshTokens.findByDigest(tokenDigest(token));
  if (!row || row.revokedAt !== null || row.spentAt !== null || row.expiresAt <= nowSeconds(services.clock)) return null;
  if (services.revocations.isBlocked(row.userId)) return null;
  return { kind: 'refresh', row };
}

export async function findLiveToken(services: TokenLookupDeps, token: string, hint: string | undefined): Promise<LiveToken | null> {
  const order = hint === 'refresh_token' ? [liveRefreshToken, liveAccessToken] : [liveAccessToken, liveRefreshToken];
  for (const find of order) {
    const found = await find(services, token);
    if (found) return found;
  }
  return null;
}
