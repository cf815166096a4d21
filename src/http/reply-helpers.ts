// Small helpers every endpoint family shares for answering in its own vocabulary.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** RFC 6749 §5.1: token responses must not be cached. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** A client-caused error raised by Fastify itself (bad JSON, body too large, unknown content type). */
export function isClientError(error: FastifyError): boolean {
  return typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500;
}

/** Describes a Fastify client error without internal codes or stack. */
export function describeClientError(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'The request Content-Type is not supported.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The JSON request body is empty.';
    default:
      return 'The request body is malformed.';
  }
}

export function contentTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

const busyReplies = new WeakSet<FastifyReply>();

/** Marks a 503 as "too busy right now" (a full password queue), so metrics do not blame the database. */
export function markBusy(reply: FastifyReply): FastifyReply {
  busyReplies.add(reply);
  return reply;
}

export function isBusyReply(reply: FastifyReply): boolean {
  return busyReplies.has(reply);
}
