// Drupal core serves its JSON routes where `_format=json` is asked for (a parsed query parameter);
// the same paths without it are the HTML pages.
import type { FastifyReply, FastifyRequest } from 'fastify';

export function wantsJson(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  return query?._format === 'json';
}

/** Drupal's error body: `{"message": …}`, never cached. */
export function sendMessage(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('application/json').send({ message });
}

export const NOT_JSON_MESSAGE = 'The request body must be JSON (Content-Type: application/json).';

/**
 * Whether the body was sent as JSON. The JSON endpoints take nothing else (as Drupal, which
 * decodes the body by `_format`): a form another site's page submits cannot be JSON without
 * a CORS preflight, so it cannot log a browser into an account of the attacker's choosing.
 */
export function isJsonBody(request: FastifyRequest): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(request.headers['content-type'] ?? '');
}

/** A JSON request body as an object of fields; anything else (an array, a string, nothing) is empty. */
export function jsonFields(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
