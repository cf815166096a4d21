// Logger settings: request lines carry method, path and id only — never a query string, a
// header or a body, where tokens, codes and passwords travel. JSON lines for log shippers, or
// human lines (pino-pretty) for a person at a terminal; redaction and serializers run first either way.
import type { FastifyRequest } from 'fastify';
import pretty from 'pino-pretty';
import type { LogFormat } from '../config.js';

/**
 * A request path fit for the log: the secret segments of one-time links (reset hash, verification
 * and mail change tokens) replaced, and the one-time id of a console page showing a secret.
 */
export function loggablePath(url: string): string {
  return url
    .split('?')[0]
    .replace(/^(\/user\/reset\/[^/]*\/[^/]*\/)[^/]+/, '$1[redacted]')
    .replace(/^(\/user\/(?:verify|mail-change)\/)[^/]+/, '$1[redacted]')
    .replace(/^(\/admin\/shown\/)[^/]+/, '$1[redacted]');
}

export function loggerOptions(level: string, format: LogFormat = 'json'): object {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.client_secret',
        '*.refresh_token',
        '*.access_token',
        '*.code',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: FastifyRequest) {
        return { id: request.id, method: request.method, path: loggablePath(request.url), ip: request.ip };
      },
    },
    // in the process, not a worker thread: a line written just before an exit is not lost
    ...(format === 'pretty' ? { stream: pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }) } : {}),
  };
}
