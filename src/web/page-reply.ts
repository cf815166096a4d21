// Sends a page: no caching (pages carry CSRF tokens and personal data). Framing, sniffing and
// referrer headers, and the CSP that allows nothing inline, come with every answer
// (src/http/security-headers.ts); a page that needs a nonce'd script gets a CSP allowing it, one
// that loads this server's script files (/assets/copy.js) one allowing 'self' — never inline.
import type { FastifyReply } from 'fastify';
import { PAGE_CSP_OWN_SCRIPTS, PAGE_CSP_WITH_SCRIPT_FILES, pageCspWithScript } from '../http/security-headers.js';
import type { Html } from './html.js';

/**
 * `ownScripts`: the page loads this server's script files (/assets/*.js) and they fetch from it;
 * `scriptFiles`: it loads them and fetches nothing.
 */
export function sendPage(
  reply: FastifyReply,
  status: number,
  page: Html,
  options: { scriptNonce?: string; ownScripts?: boolean; scriptFiles?: boolean } = {},
): FastifyReply {
  if (options.ownScripts) reply.header('content-security-policy', PAGE_CSP_OWN_SCRIPTS);
  if (options.scriptNonce) reply.header('content-security-policy', pageCspWithScript(options.scriptNonce));
  else if (options.scriptFiles) reply.header('content-security-policy', PAGE_CSP_WITH_SCRIPT_FILES);
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('pragma', 'no-cache').send(page.value);
}
