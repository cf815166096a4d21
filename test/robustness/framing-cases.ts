// Requests no HTTP client will send, written byte for byte on a socket: bad request lines, bad
// header names, ambiguous or broken body framing, oversize heads. `reject` cases must get a 4xx
// or a closed connection; `any` cases may be served, but never with a 5xx, and never hang.
import type { Random } from './seeded-random.js';

export interface FramingCase {
  name: string;
  bytes: Buffer;
  /** half-close after writing (for messages that are incomplete on purpose) */
  end: boolean;
  expect: 'reject' | 'any';
}

const H = 'Host: 127.0.0.1\r\n';
const c = (name: string, text: string | Buffer, expect: FramingCase['expect'], end = false): FramingCase => ({
  name,
  bytes: Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1'),
  end,
  expect,
});
const post = (headers: string, body: string) => `POST /oauth/token HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\n${headers}\r\n${body}`;

export const FRAMING_CASES: FramingCase[] = [
  c('garbage request line', 'GARBAGE\r\n\r\n', 'reject'),
  c('extra token in request line', `GET /healthz HTTP/1.1 extra\r\n${H}\r\n`, 'reject'),
  c('unknown HTTP version', `GET /healthz HTTP/9.9\r\n${H}\r\n`, 'reject'),
  c('lower-case method', `get /healthz HTTP/1.1\r\n${H}\r\n`, 'reject'),
  c('unknown method', `FROB /healthz HTTP/1.1\r\n${H}\r\n`, 'reject'),
  c('control character in the target', `GET /heal\x01thz HTTP/1.1\r\n${H}\r\n`, 'reject'),
  c('space in a header name', `GET /healthz HTTP/1.1\r\n${H}Bad Header: x\r\n\r\n`, 'reject'),
  c('space before the colon', `GET /healthz HTTP/1.1\r\n${H}Authorization : Bearer x\r\n\r\n`, 'reject'),
  c('header line without a colon', `GET /healthz HTTP/1.1\r\n${H}NoColonHere\r\n\r\n`, 'reject'),
  c('empty header name', `GET /healthz HTTP/1.1\r\n${H}: value\r\n\r\n`, 'reject'),
  c('NUL in a header value', `GET /healthz HTTP/1.1\r\n${H}X-A: a\x00b\r\n\r\n`, 'reject'),
  c(
    'non-token byte in a header name',
    Buffer.concat([Buffer.from(`GET /healthz HTTP/1.1\r\n${H}X-`), Buffer.from([0xff]), Buffer.from(': a\r\n\r\n')]),
    'reject',
  ),
  c('bare CR line endings', `GET /healthz HTTP/1.1\r${H.trim()}\r\r`, 'reject'),
  c('no Host header in HTTP/1.1', 'GET /healthz HTTP/1.1\r\n\r\n', 'reject'),
  c('Content-Length and Transfer-Encoding both', post('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'), 'reject'),
  c('two different Content-Lengths', post('Content-Length: 5\r\nContent-Length: 6\r\n', 'a=bcde'), 'reject'),
  c('Content-Length list', post('Content-Length: 5, 6\r\n', 'a=bcd'), 'reject'),
  c('negative Content-Length', post('Content-Length: -1\r\n', ''), 'reject'),
  c('signed Content-Length', post('Content-Length: +5\r\n', 'a=bcd'), 'reject'),
  c('Content-Length in exponent form', post('Content-Length: 1e3\r\n', ''), 'reject'),
  c('Content-Length beyond 64 bits', post('Content-Length: 99999999999999999999999\r\n', ''), 'reject'),
  c('Transfer-Encoding not ending in chunked', post('Transfer-Encoding: chunked, identity\r\n', '0\r\n\r\n'), 'reject'),
  c('unknown Transfer-Encoding', post('Transfer-Encoding: xchunked\r\n', '0\r\n\r\n'), 'reject'),
  c('chunk size overflow', post('Transfer-Encoding: chunked\r\n', 'fffffffffffffffffff\r\nx\r\n0\r\n\r\n'), 'reject'),
  c('chunk size not hex', post('Transfer-Encoding: chunked\r\n', 'zz\r\nx\r\n0\r\n\r\n'), 'reject'),
  c('control byte in a chunk extension', post('Transfer-Encoding: chunked\r\n', '5;e="\x01"\r\na=bcd\r\n0\r\n\r\n'), 'reject'),
  c('head larger than 16 KiB', `GET /healthz HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 'reject'),
  c('request target of 100 KiB', `GET /${'a'.repeat(100_000)} HTTP/1.1\r\n${H}\r\n`, 'reject'),
  // served or refused, either is fine, but never a 5xx and never a hang
  c('HTTP/0.9 request', 'GET /healthz\r\n\r\n', 'any', true),
  c('3000 header lines', `GET /healthz HTTP/1.1\r\n${H}${'X-A: b\r\n'.repeat(3000)}Connection: close\r\n\r\n`, 'any'),
  c('obs-fold continuation line', `GET /healthz HTTP/1.1\r\n${H}X-A: a\r\n b\r\nConnection: close\r\n\r\n`, 'any'),
  c('LF-only line endings', `GET /healthz HTTP/1.1\n${H.trim()}\nConnection: close\n\n`, 'any'),
  c('two Host headers', `GET /healthz HTTP/1.1\r\n${H}Host: evil.example\r\nConnection: close\r\n\r\n`, 'any'),
  c('absolute-form target', `GET http://evil.example/healthz HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 'any'),
  c('asterisk-form target', `OPTIONS * HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, 'any'),
  c('CONNECT', `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`, 'any', true),
  c(
    'websocket upgrade',
    `GET /healthz HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    'any',
    true,
  ),
  c('h2c upgrade', `GET /healthz HTTP/1.1\r\n${H}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n`, 'any', true),
  c('HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'any', true),
  c('Expect: 100-continue', post('Content-Length: 29\r\nExpect: 100-continue\r\nConnection: close\r\n', 'grant_type=client_credentials'), 'any'),
  c('unknown Expect', `GET /healthz HTTP/1.1\r\n${H}Expect: teapot\r\nConnection: close\r\n\r\n`, 'any'),
  c(
    'raw UTF-8 in the target',
    Buffer.concat([Buffer.from('GET /user/'), Buffer.from('é☃', 'utf8'), Buffer.from(`?_format=json HTTP/1.1\r\n${H}Connection: close\r\n\r\n`)]),
    'any',
  ),
  c(
    'invalid UTF-8 in the target',
    Buffer.concat([Buffer.from('GET /user/'), Buffer.from([0xc0, 0xae, 0xff]), Buffer.from(`?_format=json HTTP/1.1\r\n${H}Connection: close\r\n\r\n`)]),
    'any',
  ),
  c(
    'invalid UTF-8 in a header value',
    Buffer.concat([
      Buffer.from(`GET /oauth/debug HTTP/1.1\r\n${H}Authorization: Bearer `),
      Buffer.from([0xff, 0xfe, 0xc0]),
      Buffer.from('\r\nConnection: close\r\n\r\n'),
    ]),
    'any',
  ),
  c('a valid request then garbage on the same connection', `GET /healthz HTTP/1.1\r\n${H}\r\nGARBAGE\r\n\r\n`, 'any'),
  c(
    'a body longer than its Content-Length (smuggled request)',
    post('Content-Length: 29\r\n', `grant_type=client_credentialsGET /healthz HTTP/1.1\r\n${H}Connection: close\r\n\r\n`),
    'any',
  ),
  c(
    'chunked body with a trailer',
    post('Transfer-Encoding: chunked\r\nConnection: close\r\n', '1d\r\ngrant_type=client_credentials\r\n0\r\nX-Trailer: y\r\n\r\n'),
    'any',
  ),
  c('body shorter than its Content-Length, then EOF', post('Content-Length: 100\r\n', 'grant_type=x'), 'any', true),
  c('head cut short, then EOF', `POST /oauth/token HTTP/1.1\r\n${H}Content-Le`, 'any', true),
  c('HTTP/1.0 keep-alive', 'GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', 'any', true),
];

/** Seeded noise: random bytes, and valid heads with random bytes spliced in. */
export function randomFramingCases(random: Random, count: number): FramingCase[] {
  return Array.from({ length: count }, (_, i) => {
    const head = Buffer.from(`POST /oauth/token HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n\r\n0123456789`);
    if (i % 2 === 0) return c(`random bytes #${i}`, random.bytes(random.int(1, 2048)), 'any', true);
    const at = random.int(0, head.length - 1);
    const spliced = Buffer.concat([head.subarray(0, at), random.bytes(random.int(1, 16)), head.subarray(at)]);
    return c(`valid head with random bytes at ${at} #${i}`, spliced, 'any', true);
  });
}
