// Sending the authorization response back to the client (RFC 6749 §4.1.2): in the redirect URI's
// query, or as an auto-submitted form (OAuth 2.0 Form Post Response Mode). Every response names
// the issuer (RFC 9207), so a client talking to several servers cannot be mixed up.
import type { FastifyReply } from 'fastify';
import type { ResponseMode } from './authorization-request.js';
import type { AuthorizationPages } from './interaction.js';

export function sendAuthorizationResponse(
  reply: FastifyReply,
  target: { redirectUri: string; responseMode: ResponseMode },
  fields: Record<string, string | undefined>,
  pages: Pick<AuthorizationPages, 'formPost'>,
): FastifyReply {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
  if (target.responseMode === 'form_post') return pages.formPost(reply, target.redirectUri, defined);
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(defined)) url.searchParams.set(name, value);
  return reply.code(302).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url.toString(), 302);
}
