// Revoking a token a client presents (RFC 7009), whichever endpoint it came through: only the
// client's own tokens; a refresh token takes its whole family and the access tokens issued from
// it; unknown and foreign tokens change nothing, and the caller is not told which it was.
import type { AuditLog } from '../audit-log.js';
import type { Client } from '../domain/client.js';
import type { RevocationView } from '../resource/revocation-view.js';
import type { Store } from '../store/store.js';
import { revokeFamily } from './revocation.js';
import { findLiveToken, type TokenLookupDeps } from './token-lookup.js';

/** What revoking a presented token uses; Services provides it. */
export interface TokenRevocationDeps extends TokenLookupDeps {
  store: Store;
  audit: Pick<AuditLog, 'record'>;
  revocations: Pick<RevocationView, 'isBlocked' | 'refresh'>;
}

export async function revokePresentedToken(
  services: TokenRevocationDeps,
  client: Client,
  token: string,
  hint: string | undefined,
  ip: string,
  endpoint: string,
): Promise<void> {
  const found = await findLiveToken(services, token, hint);
  if (!found) return;
  const owner = found.kind === 'access' ? found.principal.clientId : found.row.clientId;
  if (owner !== client.clientId) {
    services.audit.record({
      event: 'token.revoke_refused',
      outcome: 'failure',
      userId: null,
      clientId: client.clientId,
      ip,
      endpoint,
      detail: 'token of another client',
    });
    return;
  }
  if (found.kind === 'access') {
    const { principal } = found;
    await services.store.revocations.add([{ kind: 'jti', subject: principal.jti, at: services.clock.now(), expiresAt: principal.expiresAt }]);
  } else {
    await revokeFamily(services.store, services.clock, found.row.familyId);
  }
  await services.revocations.refresh();
  const userId = found.kind === 'access' ? found.principal.uid : found.row.userId;
  services.audit.record({ event: 'token.revoked', outcome: 'success', userId, clientId: client.clientId, ip, endpoint, detail: found.kind });
}
