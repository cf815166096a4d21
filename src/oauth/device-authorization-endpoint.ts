// POST /oauth/device_authorization (RFC 8628 §3.1–3.2): a client that cannot show a browser asks
// for a device code to poll with and a user code for its user to enter at /device. The client
// authenticates as at the token endpoint (public clients by client_id alone) and needs the
// device_code grant type; the scopes are checked as the authorization endpoint checks them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { randomToken, tokenDigest } from '../crypto/secrets.js';
import type { AccessCatalog } from '../domain/access.js';
import { formatUserCode } from '../domain/user-code.js';
import { installErrorHandler } from '../http/error-handler.js';
import { contentTypeOf, noStore } from '../http/reply-helpers.js';
import { PUBLIC } from '../resource/route-access.js';
import type { DeviceCodeRepository } from '../store/store.js';
import { type AuthenticateClientDeps, authenticateClient, claimedClientId } from './client-auth/index.js';
import { OAuthFailure } from './oauth-failure.js';
import { readFormParams } from './oauth-request.js';
import { oauthErrors, oauthTooManyRequests, sendOAuthFailure } from './rfc6749-error.js';
import { resolveScopes } from './scopes.js';
import { requireGrantAllowed } from './token-dispatch.js';
import type { UserCodes } from './user-codes.js';

export const DEVICE_AUTHORIZATION_PATH = '/oauth/device_authorization';
export const DEVICE_VERIFICATION_PATH = '/device';
/** RFC 8628 §3.2: seconds the codes live, and the minimum seconds between polls */
export const DEVICE_CODE_TTL_SECONDS = 600;
export const DEVICE_POLL_INTERVAL = 5;

/** What the device authorization endpoint uses; Services provides it. */
export type DeviceAuthorizationDeps = AuthenticateClientDeps & {
  store: AuthenticateClientDeps['store'] & { deviceCodes: Pick<DeviceCodeRepository, 'insert'> };
  catalog: AccessCatalog;
  clock: Clock;
  config: Pick<Config, 'issuer'>;
  audit: Pick<AuditLog, 'record'>;
  userCodes: UserCodes;
};

export async function deviceAuthorizationEndpoint(app: FastifyInstance, options: { services: DeviceAuthorizationDeps }): Promise<void> {
  const { services } = options;
  installErrorHandler(app, oauthErrors('device authorization endpoint'));

  app.post(DEVICE_AUTHORIZATION_PATH, { config: { ...PUBLIC, rateLimited: oauthTooManyRequests } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const usedBasic = /^basic\s/i.test(request.headers.authorization ?? '');
    let clientId: string | undefined;
    try {
      const params = readFormParams(request.body, contentTypeOf(request));
      const presented = { headers: request.headers, params };
      clientId = claimedClientId(presented);
      const { client } = await authenticateClient(services, presented);
      requireGrantAllowed(client, 'device_code');
      const scopes = resolveScopes(params.scope, [...new Set([...client.authorizationCodeScopes, ...client.scopes])], 'device_code', services.catalog);
      const { deviceCode, userCode } = await store(services, client.clientId, scopes);
      services.audit.record({
        event: 'device.authorization_requested',
        outcome: 'success',
        userId: null,
        clientId: client.clientId,
        ip: request.ip,
        endpoint: DEVICE_AUTHORIZATION_PATH,
        detail: scopes.join(' ') || null,
      });
      const shown = formatUserCode(userCode);
      const verificationUri = `${services.config.issuer}${DEVICE_VERIFICATION_PATH}`;
      return noStore(reply).send({
        device_code: deviceCode,
        user_code: shown,
        verification_uri: verificationUri,
        verification_uri_complete: `${verificationUri}?${new URLSearchParams({ user_code: shown }).toString()}`,
        expires_in: DEVICE_CODE_TTL_SECONDS,
        interval: DEVICE_POLL_INTERVAL,
      });
    } catch (error) {
      if (!(error instanceof OAuthFailure)) throw error;
      services.audit.record({
        event: 'device.authorization_requested',
        outcome: 'failure',
        userId: null,
        clientId: clientId?.slice(0, 128) ?? null,
        ip: request.ip,
        endpoint: DEVICE_AUTHORIZATION_PATH,
        detail: error.reason,
      });
      return sendOAuthFailure(reply, error, usedBasic);
    }
  });

  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url: DEVICE_AUTHORIZATION_PATH,
    config: PUBLIC,
    handler: async (_request, reply) =>
      noStore(reply)
        .code(405)
        .header('allow', 'POST')
        .send({ error: 'invalid_request', error_description: 'The device authorization endpoint only accepts POST requests.' }),
  });
}

/** Stores a new authorization under fresh codes; a user code already taken is drawn again. */
async function store(services: DeviceAuthorizationDeps, clientId: string, scopes: string[]): Promise<{ deviceCode: string; userCode: string }> {
  const issuedMs = services.clock.now();
  for (let attempt = 0; attempt < 5; attempt++) {
    const deviceCode = randomToken(32);
    const user = services.userCodes.make();
    const stored = await services.store.deviceCodes.insert({
      deviceDigest: tokenDigest(deviceCode),
      userCodeDigest: user.digest,
      clientId,
      scopes,
      status: 'pending',
      userId: null,
      authTime: null,
      interval: DEVICE_POLL_INTERVAL,
      issuedMs,
      expiresAt: Math.floor(issuedMs / 1000) + DEVICE_CODE_TTL_SECONDS,
    });
    if (stored) return { deviceCode, userCode: user.code };
  }
  throw new Error('no free user code after 5 draws');
}
