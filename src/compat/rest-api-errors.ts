// miniOrange REST API Authentication's error vocabulary (docs/compatibility.md §1): the same grant
// failures as /oauth/token, rendered as {"status":"error","error":CODE,"error_description":TEXT}.
import type { FastifyReply } from 'fastify';
import type { ErrorVocabulary } from '../http/error-handler.js';
import { describeClientError, noStore } from '../http/reply-helpers.js';
import type { OAuthFailure } from '../oauth/oauth-failure.js';

export interface RestApiErrorResponse {
  status: number;
  body: { status: 'error'; error: string; error_description: string };
  headers: Record<string, string>;
}

export function restApiError(status: number, error: string, description: string, headers: Record<string, string> = {}): RestApiErrorResponse {
  return { status, body: { status: 'error', error, error_description: description }, headers };
}

export const INVALID_CREDENTIALS = (): RestApiErrorResponse => restApiError(401, 'INVALID_CREDENTIALS', 'Invalid username or password.');
/** The client may not act for the named user (its `actAs` list): refused like bad credentials. */
export const ACT_AS_REFUSED = (): RestApiErrorResponse => restApiError(401, 'INVALID_CREDENTIALS', 'The client may not act for this user.');
export const INVALID_CLIENT_ID = (): RestApiErrorResponse => restApiError(401, 'INVALID_CLIENT_ID', 'Invalid Client ID.');
export const INVALID_CLIENT_SECRET = (): RestApiErrorResponse => restApiError(401, 'INVALID_CLIENT_SECRET', 'Invalid Client Secret.');
export const MISSING_USERNAME = (): RestApiErrorResponse => restApiError(400, 'MISSING_USERNAME', 'The username is missing from the request');
/**
 * client_credentials without `username` for a client with no default user. The module always
 * needs `username` there, so its own code is the closest; the text says both ways out.
 */
export const NO_DEFAULT_USER = (): RestApiErrorResponse =>
  restApiError(
    400,
    'MISSING_USERNAME',
    'The username is missing from the request, and the client has no default user to act as: send username, or give the client a default user.',
  );
export const MISSING_PARAMETER = (param: string): RestApiErrorResponse =>
  restApiError(400, 'MISSING_PARAMETER', `The ${param} parameter is missing from the request`);
export const UNSUPPORTED_GRANT_TYPE = (): RestApiErrorResponse => restApiError(400, 'UNSUPPORTED_GRANT_TYPE', 'The grant type is not supported.');
export const UNAUTHORIZED_CLIENT = (): RestApiErrorResponse => restApiError(400, 'UNAUTHORIZED_CLIENT', 'The client is not allowed to use this grant type.');
export const USER_BLOCKED = (): RestApiErrorResponse => restApiError(403, 'USER_BLOCKED', 'The user is blocked or inactive.');
export const TOO_MANY_ATTEMPTS = (retryAfter: number): RestApiErrorResponse =>
  restApiError(429, 'TOO_MANY_ATTEMPTS', 'Too many failed attempts. Try again later.', { 'retry-after': String(retryAfter) });
/** Not in the module's vocabulary: every password slot is busy and the queue is full. */
export const SERVER_BUSY = (retryAfter: number): RestApiErrorResponse =>
  restApiError(503, 'SERVER_BUSY', 'The server is busy checking other passwords. Try again shortly.', { 'retry-after': String(retryAfter) });
export const INVALID_HTTP_METHOD = (): RestApiErrorResponse =>
  restApiError(405, 'INVALID_HTTP_METHOD', 'The used HTTP method should be a POST.', { allow: 'POST' });
/** Not in the module's vocabulary: GATEHOUSE_RATE_LIMIT exceeded. */
export const TOO_MANY_REQUESTS = (retryAfter: number): RestApiErrorResponse =>
  restApiError(429, 'TOO_MANY_REQUESTS', 'Too many requests. Try again later.', { 'retry-after': String(retryAfter) });
export const restApiTooManyRequests = (reply: FastifyReply, retryAfter: number): FastifyReply => sendRestApiError(reply, TOO_MANY_REQUESTS(retryAfter));
/** Not in the module's documented vocabulary: malformed bodies and repeated parameters. */
export const INVALID_REQUEST = (description: string): RestApiErrorResponse => restApiError(400, 'INVALID_REQUEST', description);

export function toRestApiError(error: OAuthFailure): RestApiErrorResponse {
  switch (error.reason) {
    case 'missing_parameter':
      return error.detail.param === 'username' ? MISSING_USERNAME() : MISSING_PARAMETER(error.detail.param ?? 'required');
    case 'invalid_parameter':
      return INVALID_REQUEST(error.message);
    case 'unsupported_grant_type':
      return UNSUPPORTED_GRANT_TYPE();
    case 'unknown_client':
    case 'invalid_client_auth':
      return INVALID_CLIENT_ID();
    case 'bad_client_secret':
    case 'auth_method_not_allowed':
      return INVALID_CLIENT_SECRET();
    case 'unauthorized_client':
      return UNAUTHORIZED_CLIENT();
    case 'no_default_user':
      return NO_DEFAULT_USER();
    case 'invalid_credentials':
      return INVALID_CREDENTIALS();
    case 'act_as_refused':
      return ACT_AS_REFUSED();
    case 'user_blocked':
      return USER_BLOCKED();
    case 'too_many_attempts':
      return TOO_MANY_ATTEMPTS(error.detail.retryAfter ?? 60);
    case 'server_busy':
      return SERVER_BUSY(error.detail.retryAfter ?? 1);
    case 'invalid_scope':
    case 'invalid_grant':
    case 'invalid_target':
    case 'unsupported_token_type':
    // the device flow is not offered at miniOrange's endpoint; listed so every reason has a rendering
    case 'authorization_pending':
    case 'slow_down':
    case 'access_denied':
    case 'expired_token':
      return INVALID_REQUEST(error.message);
  }
}

export function sendRestApiError(reply: FastifyReply, answer: RestApiErrorResponse): FastifyReply {
  return noStore(reply).code(answer.status).headers(answer.headers).send(answer.body);
}

/** Fastify's own refusals (bad JSON, body too large) and unexpected failures, in this vocabulary. */
export function restApiErrors(label: string): ErrorVocabulary {
  return {
    label,
    clientError: (error, reply) => sendRestApiError(reply, restApiError(error.statusCode ?? 400, 'INVALID_REQUEST', describeClientError(error))),
    unavailable: (reply) => sendRestApiError(reply, restApiError(503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Try again shortly.')),
    unexpected: (reply) => sendRestApiError(reply, restApiError(500, 'SERVER_ERROR', 'The server encountered an unexpected condition.')),
  };
}
