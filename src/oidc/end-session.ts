// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): /oauth/logout ends the user's
// session and sends them back to a post-logout URI the client registered — never elsewhere.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit-log.js';
import { type Clock, nowSeconds } from '../clock.js';
import type { Config } from '../config.js';
import { verifyJwt, type JwtClaims } from '../crypto/jwt.js';
import type { KeyRing } from '../crypto/keys.js';
import { authorizationParams } from '../oauth/authorization-request.js';
import { PUBLIC } from '../resource/route-access.js';
import type { ClientRepository } from '../store/store.js';
import { ID_TOKEN_TYP } from './id-token.js';

/** The pages of logout, which the web layer provides (src/web/protocol-pages.ts). */
export interface LogoutPages {
  error(reply: FastifyReply, status: number, title: string, message: string): FastifyReply;
  /** asks the user to confirm, posting `fields` back to /user/logout */
  logout(reply: FastifyReply, view: { csrf: string; fields: Record<string, string> }): FastifyReply;
  /** says the user is logged out, when there is nowhere to send them */
  loggedOut(reply: FastifyReply): FastifyReply;
}

/** What RP-initiated logout uses; Services provides it. */
export interface EndSessionDeps {
  store: { clients: Pick<ClientRepository, 'get'> };
  keys: KeyRing;
  clock: Clock;
  config: Pick<Config, 'issuer'>;
  audit: Pick<AuditLog, 'record'>;
  web: {
    sessions: {
      current(request: FastifyRequest): Promise<{ user: { uid: number } } | null>;
      end(request: FastifyRequest, reply: FastifyReply): Promise<void>;
    };
    csrf: { token(request: FastifyRequest, reply: FastifyReply): string };
    pages: LogoutPages;
  };
}

export type LogoutTarget = { kind: 'redirect'; uri: string; state: string | undefined } | { kind: 'none' } | { kind: 'error'; message: string };

type Params = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Where to send the user after logout: only a URI registered by the client the request names. */
export async function resolveLogoutTarget(services: Pick<EndSessionDeps, 'store'>, params: Params, hint: JwtClaims | null = null): Promise<LogoutTarget> {
  const uri = text(params.post_logout_redirect_uri);
  if (!uri) return { kind: 'none' };
  const hinted = typeof hint?.aud === 'string' ? hint.aud : Array.isArray(hint?.aud) ? hint.aud[0] : undefined;
  const clientId = text(params.client_id) ?? hinted;
  if (!clientId) return { kind: 'error', message: 'A post-logout redirect needs client_id or id_token_hint.' };
  if (hinted && text(params.client_id) && hinted !== text(params.client_id)) return { kind: 'error', message: 'client_id does not match the id_token_hint.' };
  const client = await services.store.clients.get(clientId);
  if (!client?.redirectUris.includes(uri)) return { kind: 'error', message: 'The post-logout redirect URI is not registered for this application.' };
  return { kind: 'redirect', uri, state: text(params.state) };
}

export function sendLoggedOut(
  reply: FastifyReply,
  target: { uri: string; state: string | undefined } | null,
  pages: Pick<LogoutPages, 'loggedOut'>,
): FastifyReply {
  if (!target) return pages.loggedOut(reply);
  const url = new URL(target.uri);
  if (target.state !== undefined) url.searchParams.set('state', target.state);
  return reply.code(302).header('cache-control', 'no-store').redirect(url.toString(), 302);
}

export async function endSessionRoutes(app: FastifyInstance, options: { services: EndSessionDeps }): Promise<void> {
  const { services } = options;
  const { web, keys, clock, config } = services;
  const { pages } = web;

  const handle = async (request: FastifyRequest, reply: FastifyReply, source: unknown) => {
    const { params, repeated } = authorizationParams(source);
    if (repeated) return pages.error(reply, 400, 'Invalid request', `The ${repeated} parameter must not be repeated.`);
    let hint: JwtClaims | null = null;
    if (params.id_token_hint) {
      try {
        ({ claims: hint } = await verifyJwt(keys, params.id_token_hint, {
          typ: ID_TOKEN_TYP,
          keyUse: 'id',
          issuer: config.issuer,
          now: nowSeconds(clock),
          allowExpired: true,
        }));
      } catch {
        return pages.error(reply, 400, 'Invalid logout request', 'The id_token_hint is not a valid ID token from this server.');
      }
    }
    const target = await resolveLogoutTarget(services, params, hint);
    if (target.kind === 'error') return pages.error(reply, 400, 'Invalid logout request', target.message);
    const current = await web.sessions.current(request);
    if (current && !(hint && hint.sub === String(current.user.uid))) {
      // without proof the application speaks for this user, the user decides
      const fields: Record<string, string> = {};
      for (const name of ['post_logout_redirect_uri', 'state', 'client_id'] as const) if (params[name]) fields[name] = params[name];
      if (hint && !fields.client_id && typeof hint.aud === 'string') fields.client_id = hint.aud;
      return pages.logout(reply, { csrf: web.csrf.token(request, reply), fields });
    }
    await web.sessions.end(request, reply);
    if (current)
      services.audit.record({
        event: 'user.logout',
        outcome: 'success',
        userId: current.user.uid,
        clientId: null,
        ip: request.ip,
        endpoint: '/oauth/logout',
        detail: 'rp-initiated',
      });
    return sendLoggedOut(reply, target.kind === 'redirect' ? target : null, pages);
  };

  app.get('/oauth/logout', { config: PUBLIC }, (request, reply) => handle(request, reply, request.query));
  app.post('/oauth/logout', { config: PUBLIC }, (request, reply) => handle(request, reply, request.body));
}
