// OAuthFailure in RFC 6749 §5.2 vocabulary, with league/oauth2-server's optional `hint`
// (docs/compatibility.md §3): the answer of /oauth/token, /oauth/introspect and /oauth/revoke.
import type { FastifyReply } from 'fastify';
import type { ErrorVocabulary } from '../http/error-handler.js';
import { describeClientError, markBusy, noStore } from '../http/reply-helpers.js';
import { REALM } from '../resource/resource-errors.js';
import { OAuthFailure, type OAuthFailureReason } from './oauth-failure.js';

export interface OAuthErrorBody {
  error: string;
  error_description: string;
  hint?: string;
}

export interface OAuthErrorResponse {
  status: number;
  body: OAuthErrorBody;
  headers: Record<string, string>;
}

const RFC_CODES: Record<OAuthFailureReason, { error: string; status: number }> = {
  missing_parameter: { error: 'invalid_request', status: 400 },
  invalid_parameter: { error: 'invalid_request', status: 400 },
  unsupported_grant_type: { error: 'unsupported_grant_type', status: 400 },
  unknown_client: { error: 'invalid_client', status: 401 },
  bad_client_secret: { error: 'invalid_client', status: 401 },
  invalid_client_auth: { error: 'invalid_client', status: 401 },
  auth_method_not_allowed: { error: 'invalid_client', status: 401 },
  // RFC 6749 §5.2: the client is authenticated but, as configured, may not use this grant
  no_default_user: { error: 'unauthorized_client', status: 400 },
  act_as_refused: { error: 'invalid_grant', status: 400 },
  unauthorized_client: { error: 'unauthorized_client', status: 400 },
  invalid_credentials: { error: 'invalid_grant', status: 400 },
  user_blocked: { error: 'invalid_grant', status: 400 },
  too_many_attempts: { error: 'invalid_grant', status: 429 },
  // RFC 6749 §4.1.2.1's code for an overloaded server, with Retry-After (RFC 9110 §10.2.3)
  server_busy: { error: 'temporarily_unavailable', status: 503 },
  invalid_scope: { error: 'invalid_scope', status: 400 },
  invalid_grant: { error: 'invalid_grant', status: 400 },
  // RFC 8707 §2
  invalid_target: { error: 'invalid_target', status: 400 },
  unsupported_token_type: { error: 'unsupported_token_type', status: 400 },
  authorization_pending: { error: 'authorization_pending', status: 400 },
  slow_down: { error: 'slow_down', status: 400 },
  access_denied: { error: 'access_denied', status: 400 },
  expired_token: { error: 'expired_token', status: 400 },
};

/** The RFC 6749 answer; `usedBasic` adds the WWW-Authenticate challenge RFC 6749 §5.2 asks for. */
export function toOAuthError(failure: OAuthFailure, usedBasic: boolean, realm: string): OAuthErrorResponse {
  const { error: code, status } = RFC_CODES[failure.reason];
  const headers: Record<string, string> = {};
  if (status === 401 && usedBasic) headers['www-authenticate'] = `Basic realm="${realm}"`;
  if (failure.detail.retryAfter !== undefined) headers['retry-after'] = String(failure.detail.retryAfter);
  const body: OAuthErrorBody = { error: code, error_description: failure.message };
  if (failure.detail.hint) body.hint = failure.detail.hint;
  return { status, body, headers };
}

export function sendOAuthFailure(reply: FastifyReply, failure: OAuthFailure, usedBasic: boolean): FastifyReply {
  const answer = toOAuthError(failure, usedBasic, REALM);
  if (failure.reason === 'server_busy') markBusy(reply);
  return noStore(reply).code(answer.status).headers(answer.headers).send(answer.body);
}

/** Fastify's own refusals and unexpected failures at an OAuth endpoint, in RFC 6749 vocabulary. */
export function oauthErrors(label: string): ErrorVocabulary {
  return {
    label,
    clientError: (error, reply) => sendOAuthFailure(reply, new OAuthFailure('invalid_parameter', describeClientError(error)), false),
    unavailable: (reply) =>
      noStore(reply)
        .code(503)
        .send({ error: 'temporarily_unavailable', error_description: 'The authorization server is temporarily unavailable. Try again shortly.' }),
    unexpected: (reply) =>
      noStore(reply).code(500).send({ error: 'server_error', error_description: 'The authorization server encountered an unexpected condition.' }),
  };
}

/** GATEHOUSE_RATE_LIMIT exceeded at an OAuth endpoint. */
export function oauthTooManyRequests(reply: FastifyReply, retryAfter: number): FastifyReply {
  return noStore(reply)
    .code(429)
    .header('retry-after', String(retryAfter))
    .send({ error: 'temporarily_unavailable', error_description: `Too many requests from this address. Try again in ${retryAfter} s.` });
}
