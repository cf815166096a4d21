// Answers requests Node's parser refused before Fastify saw them (bad framing, a head over the
// size limit, a timeout): a status line, no body, and the connection closed. The parser could
// not tell us the method, and a HEAD answer must not carry a body (RFC 9110 §9.3.2) — Fastify's
// default sent a JSON body to HEAD requests too, which the client then read as a broken answer.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';

function statusOf(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

export function clientErrorHandler(this: { log: FastifyBaseLogger }, error: Error & { code?: string }, socket: Socket): void {
  // a reset connection has no one left to answer
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = statusOf(error.code);
  this.log.debug({ code: error.code }, 'request refused by the HTTP parser');
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  socket.destroy();
}
