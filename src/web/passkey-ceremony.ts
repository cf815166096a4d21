// The browser's side of a passkey ceremony: the random handle naming the challenge kept
// server-side, in an HttpOnly cookie for the ceremony's five minutes, and read once — the cookie
// is cleared by the request that uses it, whatever the outcome. How a refusal answers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CHALLENGE_TTL } from '../accounts/passkeys/passkey-challenges.js';
import type { PasskeyFailureReason } from '../accounts/passkeys/passkey-failure.js';
import { noStore } from '../http/reply-helpers.js';
import { themeOf } from './page-reply.js';
import type { WebCookies } from './web-cookies.js';

export function keepCeremony(reply: FastifyReply, cookies: WebCookies, handle: string): void {
  reply.setCookie(cookies.passkey, handle, cookies.attributes(CHALLENGE_TTL));
}

/** The handle this browser holds, if any; the cookie goes with this answer. */
export function endCeremony(request: FastifyRequest, reply: FastifyReply, cookies: WebCookies): string | undefined {
  const handle = request.cookies[cookies.passkey];
  if (handle !== undefined) reply.clearCookie(cookies.passkey, cookies.attributes());
  return handle;
}

/** The HTTP status of a refused ceremony. */
export const PASSKEY_FAILURE_STATUS: Record<PasskeyFailureReason, number> = {
  challenge: 400,
  malformed: 400,
  unknown_credential: 401,
  rejected: 401,
  replayed: 401,
  other_user: 403,
  user_blocked: 403,
  already_registered: 409,
};

/** A JSON refusal of an options request; `description` is a catalog key, sent in English. */
export function jsonRefusal(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return noStore(reply)
    .code(status)
    .send({ error, error_description: themeOf(reply).text('en', description) });
}
