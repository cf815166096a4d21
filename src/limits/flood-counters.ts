// Where flood control keeps its failure counts. Without Redis: in the database, which every
// instance shares. With Redis: a sorted set per (event, identifier), scored by time, expiring with
// its window; while Redis is unreachable, in this process's memory.
import type { FloodRepository } from '../store/store.js';
import type { SharedCounters } from './shared-counters.js';

/** Failures kept in this process only: the fallback while Redis is away. */
export class MemoryFloodCounts implements FloodRepository {
  private readonly entries = new Map<string, { at: number; expiresAt: number }[]>();

  private live(key: string, now: number): { at: number; expiresAt: number }[] {
    const list = (this.entries.get(key) ?? []).filter((e) => e.expiresAt > now);
    if (list.length) this.entries.set(key, list);
    else this.entries.delete(key);
    return list;
  }

  async register(event: string, identifier: string, at: number, expiresAt: number): Promise<void> {
    // many distinct names or addresses during a long outage: sweep what has expired
    if (this.entries.size > 10_000) for (const key of [...this.entries.keys()]) this.live(key, at);
    const key = `${event}\u0000${identifier}`;
    this.entries.set(key, [...this.live(key, at), { at, expiresAt }]);
  }

  async count(event: string, identifier: string, since: number): Promise<{ count: number; oldest: number | null }> {
    const within = (this.entries.get(`${event}\u0000${identifier}`) ?? []).filter((e) => e.at > since);
    return { count: within.length, oldest: within.length ? Math.min(...within.map((e) => e.at)) : null };
  }

  async clear(event: string, identifier: string): Promise<void> {
    this.entries.delete(`${event}\u0000${identifier}`);
  }
}

/** Failures in Redis, shared by every instance; in memory while Redis cannot be reached. */
export class RedisFloodCounts implements FloodRepository {
  private readonly local = new MemoryFloodCounts();

  constructor(private readonly shared: SharedCounters) {}

  private key(event: string, identifier: string): string {
    return `${this.shared.prefix}flood:${event}:${identifier}`;
  }

  /** Runs `remote` on Redis, or `local` when Redis is down or the command fails. */
  private async either<T>(remote: (redis: NonNullable<SharedCounters['redis']>) => Promise<T>, local: () => Promise<T>): Promise<T> {
    const redis = this.shared.redis;
    if (!redis) return local();
    try {
      return await remote(redis);
    } catch (error) {
      this.shared.failed(error);
      return local();
    }
  }

  register(event: string, identifier: string, at: number, expiresAt: number): Promise<void> {
    const key = this.key(event, identifier);
    return this.either(
      async (redis) => {
        const window = expiresAt - at;
        await redis
          .multi()
          .zadd(key, at, `${at}:${Math.random().toString(36).slice(2)}`)
          .zremrangebyscore(key, '-inf', at - window)
          .expireat(key, expiresAt)
          .exec()
          .then(failedStep);
      },
      () => this.local.register(event, identifier, at, expiresAt),
    );
  }

  count(event: string, identifier: string, since: number): Promise<{ count: number; oldest: number | null }> {
    const key = this.key(event, identifier);
    return this.either(
      async (redis) => {
        const results = failedStep(await redis.multi().zcount(key, `(${since}`, '+inf').zrangebyscore(key, `(${since}`, '+inf', 'WITHSCORES', 'LIMIT', 0, 1).exec());
        const count = Number(results[0]);
        const first = results[1] as string[];
        return { count, oldest: first.length === 2 ? Number(first[1]) : null };
      },
      () => this.local.count(event, identifier, since),
    );
  }

  clear(event: string, identifier: string): Promise<void> {
    return this.either(
      async (redis) => {
        await redis.del(this.key(event, identifier));
      },
      () => this.local.clear(event, identifier),
    );
  }
}

function failedStep(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis transaction aborted');
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}
