// Sends a page: no caching (pages carry CSRF tokens and personal data). Framing, sniffing and
// referrer headers, and the CSP that allows nothing inline, come with every answer
// (src/http/security-headers.ts); a page that needs a nonce'd script gets a CSP allowing it.
import type { FastifyReply } from 'fastify';
import { PAGE_CSP_OWN_SCRIPTS, pageCspWithScript } from '../http/security-headers.js';
import type { Html } from './html.js';

/** `ownScripts`: the page loads this server's script files (/assets/*.js) and they fetch from it. */
export function sendPage(reply: FastifyReply, status: number, page: Html, options: { scriptNonce?: string; ownScripts?: boolean } = {}): FastifyReply {
  if (options.ownScripts) reply.header('content-security-policy', PAGE_CSP_OWN_SCRIPTS);
  if (options.scriptNonce) reply.header('content-security-policy', pageCspWithScript(options.scriptNonce));
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('pragma', 'no-cache').send(page.value);
}
