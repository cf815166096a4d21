// Why a registration request (RFC 7591 §3.2.2) or a management request (RFC 7592 §2) failed,
// and how it is answered: a JSON error body, 400 for metadata, 401 with a Bearer challenge for a
// missing or wrong token, 404 when registration is off.
import type { FastifyReply } from 'fastify';
import { noStore } from '../../http/reply-helpers.js';
import { REALM } from '../../resource/resource-errors.js';

export type RegistrationError = 'invalid_redirect_uri' | 'invalid_client_metadata' | 'invalid_token' | 'invalid_request' | 'registration_off';

export class RegistrationFailure extends Error {
  constructor(
    readonly error: RegistrationError,
    message: string,
  ) {
    super(message);
  }
}

export function sendRegistrationFailure(reply: FastifyReply, failure: RegistrationFailure): FastifyReply {
  noStore(reply);
  if (failure.error === 'invalid_token') {
    reply.header('www-authenticate', `Bearer realm="${REALM}", error="invalid_token"`);
    return reply.code(401).send({ error: 'invalid_token', error_description: failure.message });
  }
  if (failure.error === 'registration_off') return reply.code(404).send({ error: 'invalid_request', error_description: failure.message });
  return reply.code(400).send({ error: failure.error, error_description: failure.message });
}
