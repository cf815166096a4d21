// POST /oauth/register (RFC 7591 §3) and GET|PUT|DELETE /oauth/register/:client_id (RFC 7592 §2).
// Who may register is GATEHOUSE_REGISTRATION: `off` (these answer 404), `token` (an initial access
// token from `gatehouse registration-token create`, as a Bearer token), `open` (anyone, public
// clients with https or loopback redirect URIs only). Managing a registered client takes its
// registration access token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { AccessCatalog } from '../../domain/access.js';
import { installErrorHandler } from '../../http/error-handler.js';
import { noStore } from '../../http/reply-helpers.js';
import { PUBLIC } from '../../resource/route-access.js';
import { oauthErrors, oauthTooManyRequests } from '../rfc6749-error.js';
import { checkClientMetadata, type RegistrationMode } from './client-metadata.js';
import type { ClientRegistry, Registered } from './client-registry.js';
import { RegistrationFailure, sendRegistrationFailure } from './registration-failure.js';

export const REGISTRATION_PATH = '/oauth/register';

/** What the registration endpoint uses; Services provides it. */
export interface RegistrationEndpointDeps {
  config: Pick<Config, 'issuer' | 'registration'>;
  catalog: AccessCatalog;
  registry: ClientRegistry;
}

/** The Bearer token of the request, or null when there is none. */
function bearerToken(request: FastifyRequest): string | null {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(request.headers.authorization ?? '');
  return match ? match[1]! : null;
}

export async function registrationEndpoint(app: FastifyInstance, options: { services: RegistrationEndpointDeps }): Promise<void> {
  const { config, catalog, registry } = options.services;
  installErrorHandler(app, oauthErrors('registration endpoint'));

  const clientUri = (clientId: string) => `${config.issuer}${REGISTRATION_PATH}/${encodeURIComponent(clientId)}`;
  const known = () => new Set(catalog.scopes.keys());

  const answer = (client: Registered['client'], metadata: Record<string, unknown>, accessToken: string, registeredAt: number, expiresAt: number | null) => ({
    client_id: client.clientId,
    client_id_issued_at: registeredAt,
    ...(client.confidential ? { client_secret_expires_at: expiresAt ?? 0 } : {}),
    ...metadata,
    registration_access_token: accessToken,
    registration_client_uri: clientUri(client.clientId),
  });

  const guarded =
    (handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      try {
        if (config.registration === 'off') {
          throw new RegistrationFailure('registration_off', 'Dynamic client registration is not enabled on this server (GATEHOUSE_REGISTRATION=off).');
        }
        return await handler(request, reply);
      } catch (error) {
        if (error instanceof RegistrationFailure) return sendRegistrationFailure(reply, error);
        throw error;
      }
    };

  app.post(
    REGISTRATION_PATH,
    { config: { ...PUBLIC, rateLimited: oauthTooManyRequests } },
    guarded(async (request, reply) => {
      const token = bearerToken(request);
      // an initial access token lifts open registration's limits; without one, only open registration
      let mode: RegistrationMode = 'token';
      if (token === null) {
        if (config.registration !== 'open')
          throw new RegistrationFailure('invalid_token', 'Registration needs an initial access token (Authorization: Bearer …).');
        mode = 'open';
      } else if (!(await registry.initialTokenUsable(token))) {
        throw new RegistrationFailure('invalid_token', 'The initial access token is invalid, expired or used up.');
      }
      const checked = checkClientMetadata(request.body, await registry.policy(), mode, known());
      const registered = await registry.register(checked, token, request.ip);
      const body = answer(
        registered.client,
        registered.metadata,
        registered.registrationAccessToken,
        registered.registration.registeredAt,
        registered.registration.expiresAt,
      );
      return noStore(reply)
        .code(201)
        .send(registered.secret === null ? body : { ...body, client_secret: registered.secret });
    }),
  );

  const path = `${REGISTRATION_PATH}/:client_id`;
  const clientOf = (request: FastifyRequest) => String((request.params as { client_id?: string }).client_id ?? '');

  app.get(
    path,
    { config: { ...PUBLIC, rateLimited: oauthTooManyRequests } },
    guarded(async (request, reply) => {
      const token = bearerToken(request);
      const { client, registration } = await registry.find(clientOf(request), token);
      return noStore(reply).send(answer(client, registration.metadata, token!, registration.registeredAt, registration.expiresAt));
    }),
  );

  app.put(
    path,
    { config: { ...PUBLIC, rateLimited: oauthTooManyRequests } },
    guarded(async (request, reply) => {
      const token = bearerToken(request);
      const { client, registration } = await registry.find(clientOf(request), token);
      const body = request.body as Record<string, unknown> | undefined;
      if (body && typeof body === 'object' && body.client_id !== undefined && body.client_id !== client.clientId) {
        throw new RegistrationFailure('invalid_client_metadata', 'client_id: must be the client this URI manages (RFC 7592 §2.2)');
      }
      const {
        client_id: _id,
        client_secret: _secret,
        registration_access_token: _t,
        registration_client_uri: _u,
        client_id_issued_at: _i,
        client_secret_expires_at: _e,
        ...metadata
      } = (body ?? {}) as Record<string, unknown>;
      // the client was let in already: the policy's rules apply, and its way of authenticating stays unless named
      const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
      const method = client.tokenEndpointAuthMethod ?? (client.confidential ? 'client_secret_basic' : 'none');
      const replaced = isObject ? { token_endpoint_auth_method: method, ...metadata } : body;
      const checked = checkClientMetadata(replaced, await registry.policy(), 'token', known());
      const updated = await registry.update(client, checked, request.ip);
      return noStore(reply).send(answer(client, updated, token!, registration.registeredAt, registration.expiresAt));
    }),
  );

  app.delete(
    path,
    { config: { ...PUBLIC, rateLimited: oauthTooManyRequests } },
    guarded(async (request, reply) => {
      const token = bearerToken(request);
      const { client } = await registry.find(clientOf(request), token);
      await registry.remove(client.clientId, request.ip);
      return noStore(reply).code(204).send();
    }),
  );
}
