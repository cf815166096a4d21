// Revoking tokens: writes the rows the revocation feed carries to every instance. Access tokens
// are JWTs and cannot be recalled, so they are refused by jti, or by user/client issued-before.
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { MAX_ACCESS_TOKEN_EXPIRATION } from '../domain/client.js';
import type { RefreshTokenRow, Repositories } from '../store/store.js';

/** What revoking writes: refresh tokens, the revocation feed, and the grants still pending. */
type RevocationStore = Pick<Repositories, 'refreshTokens' | 'revocations' | 'codes' | 'consents'>;

/** A user or client revocation must outlive the longest access token it could cover. */
function horizon(clock: Clock): number {
  return nowSeconds(clock) + MAX_ACCESS_TOKEN_EXPIRATION;
}

/**
 * What a user had granted but not yet turned into tokens: codes not yet exchanged and remembered
 * approvals — all of them, or through one client. Device codes (RFC 8628), once Gatehouse has
 * them, are voided here too. A code minted concurrently and stored after this runs is still
 * refused at the exchange, which compares its issue time with the revocation's.
 */
async function voidPendingGrants(store: Pick<RevocationStore, 'codes' | 'consents'>, userId: number, clientId?: string): Promise<void> {
  await store.codes.voidUnused(userId, clientId);
  if (clientId === undefined) await store.consents.deleteByUser(userId);
  else await store.consents.delete(userId, clientId);
}

/** Every access and refresh token of a user (saved with a new password, roles or status; "revoke all"), and their pending grants. */
export async function revokeUserTokens(store: RevocationStore, clock: Clock, userId: number): Promise<void> {
  const now = clock.now();
  await store.refreshTokens.revokeByUser(userId, nowSeconds(clock));
  await store.revocations.add([{ kind: 'user', subject: String(userId), at: now, expiresAt: horizon(clock) }]);
  await voidPendingGrants(store, userId);
}

/** Every token issued to a client (disabled, deleted, or its secret rotated). */
export async function revokeClientTokens(store: Pick<RevocationStore, 'refreshTokens' | 'revocations'>, clock: Clock, clientId: string): Promise<void> {
  const now = clock.now();
  await store.refreshTokens.revokeByClient(clientId, nowSeconds(clock));
  await store.revocations.add([{ kind: 'client', subject: clientId, at: now, expiresAt: horizon(clock) }]);
}

/** Every token one user holds through one client, and their pending grants to it (the user revoked the app). */
export async function revokeGrant(store: RevocationStore, clock: Clock, userId: number, clientId: string): Promise<void> {
  await store.refreshTokens.revokeByUserAndClient(userId, clientId, nowSeconds(clock));
  await store.revocations.add([{ kind: 'grant', subject: `${userId}:${clientId}`, at: clock.now(), expiresAt: horizon(clock) }]);
  await voidPendingGrants(store, userId, clientId);
}

/** A whole refresh-token family and the access tokens issued with it (reuse detected). */
export async function revokeFamily(store: Pick<RevocationStore, 'refreshTokens' | 'revocations'>, clock: Clock, familyId: string): Promise<RefreshTokenRow[]> {
  const rows = await store.refreshTokens.revokeFamily(familyId, nowSeconds(clock));
  // read after the revocation: a reissue within a reuse interval is either recorded by now or refused
  const reissued = await store.refreshTokens.reissuedAccessTokens(familyId);
  const now = nowSeconds(clock);
  const access = [...rows.map((r) => ({ jti: r.accessJti, expiresAt: r.accessExpiresAt })), ...reissued].filter((a) => a.expiresAt > now);
  if (access.length) {
    await store.revocations.add(access.map((a) => ({ kind: 'jti' as const, subject: a.jti, at: clock.now(), expiresAt: a.expiresAt })));
  }
  return rows;
}
