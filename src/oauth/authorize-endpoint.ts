// GET|POST /oauth/authorize: validate the request, make sure the user is logged in (recently
// enough), ask for consent unless the client or a remembered approval says not to, then send a
// single-use code back to the client.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit-log.js';
import { type Clock, nowSeconds } from '../clock.js';
import type { Config } from '../config.js';
import { randomToken, tokenDigest } from '../crypto/secrets.js';
import type { AccessCatalog } from '../domain/access.js';
import type { Scope } from '../domain/scope.js';
import { needsStepUp } from '../domain/authentication-method.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Store } from '../store/store.js';
import { validateAuthorizationRequest, type AuthorizationRequest } from './authorization-request.js';
import { sendAuthorizationResponse } from './authorization-response.js';
import type { AuthorizationInteraction, SignedIn } from './interaction.js';

/** What the authorization endpoint uses; Services provides it. */
export interface AuthorizeEndpointDeps {
  store: Store;
  catalog: AccessCatalog;
  clock: Clock;
  config: Pick<Config, 'issuer'>;
  audit: Pick<AuditLog, 'record'>;
  web: AuthorizationInteraction;
}

/** RFC 9700 §4.2.1 / OAuth 2.1: codes live at most a minute. */
export const CODE_TTL_SECONDS = 60;
const DECISION_FIELD = 'decision';

/** The request's parameters for a round trip through login or consent, minus what must not repeat. */
function carriedParams(request: AuthorizationRequest, csrfField: string): Record<string, string> {
  const fields: Record<string, string> = { ...request.params };
  delete fields[DECISION_FIELD];
  delete fields[csrfField];
  // having logged in, the user must not be sent to log in again
  const prompt = (fields.prompt ?? '').split(' ').filter((p) => p && p !== 'login' && p !== 'select_account');
  if (prompt.length) fields.prompt = prompt.join(' ');
  else delete fields.prompt;
  return fields;
}

export function authorizeUrl(fields: Record<string, string>): string {
  return `/oauth/authorize?${new URLSearchParams(fields).toString()}`;
}

export async function authorizeEndpoint(app: FastifyInstance, options: { services: AuthorizeEndpointDeps }): Promise<void> {
  const { services } = options;
  const { store, catalog, clock, web, config } = services;
  const { pages } = web;

  const respond = (reply: FastifyReply, target: Parameters<typeof sendAuthorizationResponse>[1], fields: Record<string, string | undefined>) =>
    sendAuthorizationResponse(reply, target, fields, pages);

  const redirectError = (reply: FastifyReply, request: AuthorizationRequest, error: string, description: string): FastifyReply =>
    respond(reply, request, { error, error_description: description, state: request.state, iss: config.issuer });

  async function issueCode(reply: FastifyReply, request: AuthorizationRequest, current: SignedIn, ip: string): Promise<FastifyReply> {
    const code = randomToken(32);
    const issuedMs = clock.now();
    const now = Math.floor(issuedMs / 1000);
    await store.codes.insert({
      digest: tokenDigest(code),
      clientId: request.client.clientId,
      userId: current.user.uid,
      redirectUri: request.redirectUri,
      redirectUriGiven: request.redirectUriGiven,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallenge ? 'S256' : null,
      nonce: request.nonce ?? null,
      authTime: current.session.authTime,
      amr: current.session.amr,
      issuedAt: now,
      issuedMs,
      expiresAt: now + CODE_TTL_SECONDS,
      usedAt: null,
      familyId: null,
      accessJti: null,
      accessExpiresAt: null,
      claims: request.claims,
      resource: request.resource,
    });
    services.audit.record({
      event: 'authorization.granted',
      outcome: 'success',
      userId: current.user.uid,
      clientId: request.client.clientId,
      ip,
      endpoint: '/oauth/authorize',
      detail: request.scopes.join(' ') || null,
    });
    return respond(reply, request, { code, state: request.state, iss: config.issuer });
  }

  async function handle(httpRequest: FastifyRequest, reply: FastifyReply, source: unknown): Promise<FastifyReply> {
    const outcome = await validateAuthorizationRequest(source, store, catalog);
    if (outcome.kind === 'page') return pages.error(reply, 400, outcome.title, outcome.message);
    if (outcome.kind === 'redirect') {
      return respond(reply, outcome, {
        error: outcome.error,
        error_description: outcome.description,
        state: outcome.state,
        iss: config.issuer,
      });
    }
    const request = outcome.request;
    const decision = request.params[DECISION_FIELD];
    if (decision !== undefined && httpRequest.method !== 'POST')
      return pages.error(reply, 400, 'Invalid request', 'A decision can only be sent from the consent form.');

    const current = await web.sessions.current(httpRequest);
    const now = nowSeconds(clock);
    const tooOld = current !== null && request.maxAge !== undefined && now - current.session.authTime > request.maxAge;
    if (!current || request.prompt.has('login') || tooOld) {
      if (request.prompt.has('none')) return redirectError(reply, request, 'login_required', 'The user is not logged in.');
      const destination = authorizeUrl(carriedParams(request, web.csrf.field));
      return reply
        .code(302)
        .header('cache-control', 'no-store')
        .redirect(`/user/login?${new URLSearchParams({ destination }).toString()}`, 302);
    }
    // acr_values asking only for a second factor the session has not shown: the user steps up
    if (needsStepUp(request.acrValues, current.session.amr)) {
      if (request.prompt.has('none')) return redirectError(reply, request, 'interaction_required', 'The user must pass a second factor.');
      const destination = authorizeUrl(carriedParams(request, web.csrf.field));
      return reply
        .code(302)
        .header('cache-control', 'no-store')
        .redirect(`/user/login/step-up?${new URLSearchParams({ destination }).toString()}`, 302);
    }

    const { client } = request;
    if (decision !== undefined) {
      if (!web.csrf.verify(httpRequest, request.params[web.csrf.field])) {
        return pages.error(reply, 403, 'Form expired', 'The form has expired or did not come from this site. Go back to the application and try again.');
      }
      if (decision === 'deny') {
        services.audit.record({
          event: 'authorization.denied',
          outcome: 'failure',
          userId: current.user.uid,
          clientId: client.clientId,
          ip: httpRequest.ip,
          endpoint: '/oauth/authorize',
          detail: null,
        });
        return redirectError(reply, request, 'access_denied', 'The user denied the request.');
      }
      if (decision !== 'allow') return pages.error(reply, 400, 'Invalid request', 'Unknown decision.');
      if (client.rememberApproval) {
        const previous = await store.consents.get(current.user.uid, client.clientId);
        const scopes = [...new Set([...(previous?.scopes ?? []), ...request.scopes])].sort();
        await store.consents.upsert({ userId: current.user.uid, clientId: client.clientId, scopes, grantedAt: now });
      }
      return issueCode(reply, request, current, httpRequest.ip);
    }

    const remembered = client.rememberApproval ? await store.consents.get(current.user.uid, client.clientId) : null;
    const approvedBefore = remembered !== null && request.scopes.every((s) => remembered.scopes.includes(s));
    if (request.prompt.has('consent') || !(client.automaticAuthorization || approvedBefore)) {
      if (request.prompt.has('none')) return redirectError(reply, request, 'consent_required', 'The user has not approved this application.');
      const scopes = request.scopes.map((name) => catalog.scopes.get(name)).filter((s): s is Scope => s !== undefined);
      return pages.consent(reply, {
        client,
        scopes,
        userName: current.user.name,
        csrf: web.csrf.token(httpRequest, reply),
        fields: carriedParams(request, web.csrf.field),
        // RFC 7591 §5: a self-registered client's name and pages are its own claims
        notice: (await store.registrations.get(client.clientId)) ? 'consent.self_registered' : undefined,
        language: current.user.preferredLangcode,
      });
    }
    return issueCode(reply, request, current, httpRequest.ip);
  }

  app.get('/oauth/authorize', { config: PUBLIC }, (request, reply) => handle(request, reply, request.query));
  app.post('/oauth/authorize', { config: PUBLIC }, (request, reply) => handle(request, reply, request.body));
}
