// The one way an endpoint family installs its error handler. Whatever the family, errors fall
// into the same cases, tried in this order: the family's own errors; a client's mistake Fastify
// caught (a malformed or oversized body, an unsupported media type); the database unreachable
// or too slow (503 with Retry-After, logged as a warning); anything else, a bug (500, logged
// with its stack). A family supplies only how each case reads in its vocabulary.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { isStoreUnavailable, UNAVAILABLE_RETRY_AFTER } from '../store/store-unavailable.js';
import { isClientError } from './reply-helpers.js';

export interface ErrorVocabulary {
  /** names the family in log lines */
  label: string;
  /** errors the family throws on purpose; undefined lets the common cases answer */
  known?(error: FastifyError, reply: FastifyReply): FastifyReply | undefined;
  /** a 4xx Fastify raised for the client's request */
  clientError(error: FastifyError, reply: FastifyReply): FastifyReply;
  /** the database is unavailable; Retry-After is already set */
  unavailable(reply: FastifyReply): FastifyReply;
  /** an unexpected failure, already logged */
  unexpected(reply: FastifyReply): FastifyReply;
}

export function installErrorHandler(app: FastifyInstance, vocabulary: ErrorVocabulary): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = vocabulary.known?.(error, reply);
    if (known) return known;
    if (isClientError(error)) return vocabulary.clientError(error, reply);
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, `${vocabulary.label}: database unavailable`);
      return vocabulary.unavailable(reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER)));
    }
    request.log.error({ err: error }, `${vocabulary.label} failed`);
    return vocabulary.unexpected(reply);
  });
}
