// Sends a page: no caching (pages carry CSRF tokens and personal data). Framing, sniffing and
// referrer headers, and the CSP that allows nothing inline, come with every answer
// (src/http/security-headers.ts); a page that needs a nonce'd script gets a CSP allowing it, one
// that loads this server's script files (/assets/*.js) one allowing 'self' — never inline — and a
// logo from another origin is allowed as an image. A PageView is rendered here through the
// theme (services.web.theme) in the visitor's language; the console still hands over Html.
import type { FastifyReply } from 'fastify';
import { PAGE_CSP, PAGE_CSP_OWN_SCRIPTS, PAGE_CSP_WITH_SCRIPT_FILES, pageCspWithScript } from '../http/security-headers.js';
import { Html } from './html.js';
import type { PageView } from './page-view.js';
import type { Theme } from './theme.js';

/** The theme of the app serving this reply (decorated as `gatehouse` by buildApp). */
export const themeOf = (reply: FastifyReply): Theme => (reply.server as unknown as { gatehouse: { web: { theme: Theme } } }).gatehouse.web.theme;

/**
 * `ownScripts`: the page loads this server's script files (/assets/*.js) and they fetch from it;
 * `scriptFiles`: it loads them and fetches nothing.
 */
export function sendPage(
  reply: FastifyReply,
  status: number,
  page: PageView | Html,
  options: { scriptNonce?: string; ownScripts?: boolean; scriptFiles?: boolean } = {},
): FastifyReply {
  const theme = themeOf(reply);
  const csp = options.scriptNonce
    ? pageCspWithScript(options.scriptNonce)
    : options.ownScripts
      ? PAGE_CSP_OWN_SCRIPTS
      : options.scriptFiles
        ? PAGE_CSP_WITH_SCRIPT_FILES
        : PAGE_CSP;
  if (csp !== PAGE_CSP || theme.pageCsp(csp) !== csp) reply.header('content-security-policy', theme.pageCsp(csp));
  let body: string;
  if (page instanceof Html) body = page.value;
  else {
    const language = theme.language(reply.request.headers['accept-language'], page.language);
    reply.header('content-language', language);
    body = theme.render(page, language);
  }
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('pragma', 'no-cache').send(body);
}
