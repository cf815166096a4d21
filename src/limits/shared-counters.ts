// Counters that several instances share through Redis (REDIS_URL), and what happens when Redis
// is away: each instance counts on its own until it is back, says so once in the log, and keeps
// serving. Limits may be looser during the outage (each instance allows the limit); that is the
// price of not turning a cache outage into an authentication outage.
import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';

export interface SharedCounters {
  /** the connection, or null when Redis is unreachable right now (callers count locally) */
  readonly redis: Redis | null;
  /** the connection whatever its state, for libraries that hold it */
  readonly connection: Redis;
  /** the key prefix every shared counter uses */
  readonly prefix: string;
  /** tells the log a Redis command failed; the caller then counts locally */
  failed(error: unknown): void;
  close(): Promise<void>;
}

export function openSharedCounters(url: string, prefix: string, log: FastifyBaseLogger): SharedCounters {
  const connection = new Redis(url, {
    // a password check or a token request never waits on Redis: a command fails at once when the
    // connection is down, and the caller counts locally
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  });
  let degraded = false;
  const degrade = (reason: string): void => {
    if (degraded) return;
    degraded = true;
    log.warn({ reason }, 'Redis is unreachable: flood control and rate limits count per instance until it is back');
  };
  connection.on('error', (error: Error) => degrade(error.message));
  connection.on('close', () => degrade('connection closed'));
  connection.on('ready', () => {
    if (degraded) log.warn('Redis is back: flood control and rate limits count across instances again');
    degraded = false;
  });
  return {
    get redis() {
      return connection.status === 'ready' ? connection : null;
    },
    connection,
    prefix,
    failed: (error) => degrade(error instanceof Error ? error.message : String(error)),
    async close() {
      connection.disconnect();
    },
  };
}
