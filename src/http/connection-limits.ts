// Limits on client connections (issue: a 1-byte-every-4-s body held a socket open for ever): the
// headers and the whole request must arrive in time, idle connections close, and the number of
// open connections is capped, so slow or idle clients cannot take every socket from the others.
import type { FastifyServerOptions } from 'fastify';
import type { Server } from 'node:http';
import type { HttpLimits } from '../config.js';

/** Fastify options carrying the limits to Node's HTTP server. */
export function connectionOptions(limits: HttpLimits): Pick<FastifyServerOptions, 'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout'> & {
  http: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
} {
  return {
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks both timeouts on this period (30 s by default): check often enough that a
      // small timeout is honoured close to its value
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
  };
}

/** The connection cap lives on the server itself (Fastify has no option for it). */
export function capConnections(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.maxConnections;
}
