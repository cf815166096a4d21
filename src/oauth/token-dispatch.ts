// The grants Gatehouse answers at a token endpoint, and the audit trail of every attempt.
// Both token endpoints (RFC 6749 and miniOrange) come through here with an identified client.
import type { AuditLog } from '../audit-log.js';
import type { Client } from '../domain/client.js';
import type { GrantType } from '../domain/grant-types.js';
import { OAuthFailure } from './oauth-failure.js';
import { authorizationCodeGrant } from './grants/authorization-code.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { deviceCodeGrant } from './grants/device-code.js';
import type { GrantContext } from './grants/grant-context.js';
import { passwordGrant } from './grants/password.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import type { Params } from './params.js';
import type { IssuedTokens } from './token-service.js';

export interface DispatchOptions {
  /** miniOrange: client_credentials may name the user to act for */
  actAs?: string;
  /** whether client_credentials also gets a refresh token (miniOrange: yes; RFC 6749 §4.4.3: no) */
  refreshWithClientCredentials: boolean;
}

export function requireGrantAllowed(client: Client, grantType: GrantType): void {
  if (!client.grantTypes.includes(grantType)) {
    throw new OAuthFailure('unauthorized_client', `The client is not allowed to use the ${grantType} grant type.`);
  }
}

export async function dispatchGrant(ctx: GrantContext, grantType: GrantType, client: Client, params: Params, options: DispatchOptions): Promise<IssuedTokens> {
  requireGrantAllowed(client, grantType);
  const refresh = client.grantTypes.includes('refresh_token');
  switch (grantType) {
    case 'client_credentials':
      return clientCredentialsGrant(ctx, client, params, { actAs: options.actAs, refresh: refresh && options.refreshWithClientCredentials });
    case 'password':
      return passwordGrant(ctx, client, params, { refresh });
    case 'refresh_token':
      return refreshTokenGrant(ctx, client, params);
    case 'authorization_code':
      return authorizationCodeGrant(ctx, client, params);
    case 'device_code':
      return deviceCodeGrant(ctx, client, params);
  }
}

/** Records the outcome of a token request; never the token, secret or password. */
export function auditTokenRequest(
  audit: AuditLog,
  endpoint: string,
  ip: string,
  grantType: string | undefined,
  clientId: string | undefined,
  outcome: { issued: IssuedTokens } | { error: unknown },
): void {
  if ('issued' in outcome) {
    audit.record({
      event: grantType === 'refresh_token' ? 'token.refreshed' : 'token.issued',
      outcome: 'success',
      userId: outcome.issued.userId,
      clientId: clientId ?? null,
      ip,
      endpoint,
      detail: grantType ?? null,
    });
    return;
  }
  const error = outcome.error;
  const reason = error instanceof OAuthFailure ? error.reason : 'server_error';
  // a device polling while its user decides (RFC 8628 §3.5) is no failure: not worth a row each time
  if (reason === 'authorization_pending' || reason === 'slow_down') return;
  audit.record({
    event: error instanceof OAuthFailure && error.detail.event ? error.detail.event : 'token.failed',
    outcome: 'failure',
    userId: null,
    clientId: clientId ?? null,
    ip,
    endpoint,
    detail: `${grantType ?? '-'}: ${reason}`,
  });
}
