// GATEHOUSE_RATE_LIMIT: requests per client IP per window on the endpoints that check credentials
// (token, introspection, revocation, the miniOrange endpoints, the login form), counted in Redis
// when REDIS_URL is set, so the limit holds across instances. @fastify/rate-limit does the
// counting (its Lua script on Redis, an LRU in memory); this file chooses where and falls back to
// memory while Redis is away. A route opts in through its own configuration (`rateLimited`),
// which also says how its 429 reads in the endpoint's vocabulary. Without Redis, the workers of
// `serve --workers N` count in their primary process (primary-rate-counts.ts), never each alone.
import cluster from 'node:cluster';
import { createRequire } from 'node:module';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config.js';
import { memoryCounts, primaryRateCounts, type CounterStore } from './primary-rate-counts.js';
import type { SharedCounters } from './shared-counters.js';

/** Answers a request over the limit, in the endpoint's vocabulary (Retry-After in seconds). */
export type TooManyRequests = (reply: FastifyReply, retryAfter: number) => FastifyReply;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** counted against GATEHOUSE_RATE_LIMIT (POST only), answered this way past it */
    rateLimited?: TooManyRequests;
  }
}

// the plugin's Redis store is a CommonJS file without type declarations
const require = createRequire(import.meta.url);
const RedisStore: unknown = require('@fastify/rate-limit/store/RedisStore.js');

/** Counts in Redis while it answers, in this process's memory while it does not. */
function fallbackStore(shared: SharedCounters | null): new () => CounterStore {
  const make = (remote: CounterStore | null, local: CounterStore): CounterStore => ({
    incr(key, cb, timeWindow, max) {
      if (!remote || !shared?.redis) return local.incr(key, cb, timeWindow, max);
      remote.incr(
        key,
        (error, result) => {
          if (!error) return cb(null, result);
          shared.failed(error);
          local.incr(key, cb, timeWindow, max);
        },
        timeWindow,
        max,
      );
    },
    child: (routeOptions) => make(remote?.child(routeOptions) ?? null, local.child(routeOptions)),
  });
  return class {
    constructor() {
      const local = cluster.isWorker ? primaryRateCounts() : memoryCounts();
      const remote = shared
        ? new (RedisStore as unknown as new (continueExceeding: boolean, backoff: boolean, redis: unknown, prefix: string) => CounterStore)(
            false,
            false,
            shared.connection,
            `${shared.prefix}rate:`,
          )
        : null;
      // biome-ignore lint/correctness/noConstructorReturn: @fastify/rate-limit takes a class and calls `new`; the store it gets is the fallback pair
      return make(remote, local);
    }
  } as unknown as new () => CounterStore;
}

export async function installRateLimit(app: FastifyInstance, config: Config, shared: SharedCounters | null): Promise<void> {
  if (!config.rateLimit) return;
  const { max, windowMs } = config.rateLimit;
  await app.register(rateLimit, { global: false, store: fallbackStore(shared) as never });
  const check = app.createRateLimit({ max, timeWindow: windowMs, keyGenerator: (request) => request.ip });
  app.addHook('onRequest', async (request, reply) => {
    const tooMany = request.routeOptions.config.rateLimited;
    if (request.method !== 'POST' || tooMany === undefined) return;
    const result = await check(request);
    if (!result.isAllowed && result.isExceeded) return tooMany(reply, Math.max(1, result.ttlInSeconds));
  });
}
