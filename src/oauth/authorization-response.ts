// Sending the authorization response back to the client (RFC 6749 §4.1.2): in the redirect URI's
// query, or as an auto-submitted form (OAuth 2.0 Form Post Response Mode). Every response names
// the issuer (RFC 9207), so a client talking to several servers cannot be mixed up.
import type { FastifyReply } from 'fastify';
import { randomToken } from '../crypto/secrets.js';
import { formPostPage } from '../web/pages.js';
import { sendPage } from '../web/page-reply.js';
import type { ResponseMode } from './authorization-request.js';

export function sendAuthorizationResponse(
  reply: FastifyReply,
  target: { redirectUri: string; responseMode: ResponseMode },
  fields: Record<string, string | undefined>,
): FastifyReply {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
  if (target.responseMode === 'form_post') {
    const nonce = randomToken(16);
    return sendPage(reply, 200, formPostPage(target.redirectUri, defined, nonce), { scriptNonce: nonce });
  }
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(defined)) url.searchParams.set(name, value);
  return reply.code(302).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url.toString(), 302);
}
