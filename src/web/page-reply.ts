// Sends a page with the headers every page carries: no caching, no framing, no referrer (codes
// and states travel in URLs), and a Content-Security-Policy that allows nothing inline but a
// nonce'd script where a page needs one.
import type { FastifyReply } from 'fastify';
import type { Html } from './html.js';

export function sendPage(reply: FastifyReply, status: number, page: Html, options: { scriptNonce?: string } = {}): FastifyReply {
  const script = options.scriptNonce ? `script-src 'nonce-${options.scriptNonce}'; ` : '';
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', `default-src 'none'; ${script}style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'`)
    .send(page.value);
}
