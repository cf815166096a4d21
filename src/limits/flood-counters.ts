// Where flood control keeps its counts. Without Redis: in the database, which every instance
// shares. With Redis: a sorted set per counter, scored by time, expiring with its window; while
// Redis is unreachable, in this process's memory. Every reserve() is atomic where it counts: a Lua
// script on Redis, one synchronous step in memory.
import { randomUUID } from 'node:crypto';
import { floodWait } from '../store/flood-wait.js';
import type { FloodLimit, FloodRepository, FloodReservation } from '../store/store.js';
import type { SharedCounters } from './shared-counters.js';

type Reserved = { reserved: FloodReservation } | { retryAfter: number };

/** Counts kept in this process only: the fallback while Redis is away. */
export class MemoryFloodCounts implements FloodRepository {
  private readonly entries = new Map<string, { id: string; at: number; expiresAt: number }[]>();

  private live(key: string, now: number): { id: string; at: number; expiresAt: number }[] {
    const list = (this.entries.get(key) ?? []).filter((e) => e.expiresAt > now);
    if (list.length) this.entries.set(key, list);
    else this.entries.delete(key);
    return list;
  }

  // no await inside: the counts and the additions happen in one turn of the event loop
  async reserve(limits: readonly FloodLimit[], at: number): Promise<Reserved> {
    // many distinct names or addresses during a long outage: sweep what has expired
    if (this.entries.size > 10_000) for (const key of [...this.entries.keys()]) this.live(key, at);
    const waits = limits.map((limit) => {
      const times = this.live(memoryKey(limit.event, limit.identifier), at)
        .map((e) => e.at)
        .filter((t) => t > at - limit.window)
        .sort((a, b) => b - a);
      return floodWait(times.length >= limit.limit ? times[limit.limit - 1] : null, limit.window, at);
    });
    const full = waits.filter((w): w is number => w !== null);
    if (full.length) return { retryAfter: Math.max(...full) };
    const id = randomUUID();
    for (const limit of limits) {
      const key = memoryKey(limit.event, limit.identifier);
      this.entries.set(key, [...this.live(key, at), { id, at, expiresAt: at + limit.window }]);
    }
    return { reserved: limits.map((l) => ({ event: l.event, identifier: l.identifier, id })) };
  }

  async release(reservation: FloodReservation): Promise<void> {
    for (const { event, identifier, id } of reservation) {
      const key = memoryKey(event, identifier);
      const list = (this.entries.get(key) ?? []).filter((e) => e.id !== id);
      if (list.length) this.entries.set(key, list);
      else this.entries.delete(key);
    }
  }

  async clear(event: string, identifier: string): Promise<void> {
    this.entries.delete(memoryKey(event, identifier));
  }
}

const memoryKey = (event: string, identifier: string): string => `${event}\u0000${identifier}`;

/**
 * KEYS: one sorted set per counter. ARGV: now, the member to add, then each counter's limit and
 * window. Adds the member to every set only if none is full; else returns the seconds to wait.
 */
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local newest = redis.call('ZREVRANGE', key, limit - 1, limit - 1, 'WITHSCORES')
  if #newest == 2 then wait = math.max(wait, 1, tonumber(newest[2]) + window - now) end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('EXPIRE', key, tonumber(ARGV[2 + 2 * i]))
end
return 0
`;

type ReservingRedis = NonNullable<SharedCounters['redis']> & { gatehouseFloodReserve(keys: number, ...args: (string | number)[]): Promise<number> };

/** Counts in Redis, shared by every instance; in memory while Redis cannot be reached. */
export class RedisFloodCounts implements FloodRepository {
  private readonly local = new MemoryFloodCounts();

  constructor(private readonly shared: SharedCounters) {
    // EVALSHA, falling back to EVAL the first time a server has not seen the script
    shared.connection.defineCommand('gatehouseFloodReserve', { lua: RESERVE_SCRIPT });
  }

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

  reserve(limits: readonly FloodLimit[], at: number): Promise<Reserved> {
    const member = `${at}:${randomUUID()}`;
    return this.either(
      async (redis) => {
        const keys = limits.map((l) => this.key(l.event, l.identifier));
        const args = limits.flatMap((l) => [l.limit, l.window]);
        const wait = Number(await (redis as ReservingRedis).gatehouseFloodReserve(keys.length, ...keys, at, member, ...args));
        if (wait > 0) return { retryAfter: wait };
        return { reserved: limits.map((l) => ({ event: l.event, identifier: l.identifier, id: member })) };
      },
      () => this.local.reserve(limits, at),
    );
  }

  async release(reservation: FloodReservation): Promise<void> {
    // made in Redis or, during an outage, here: the ids are unique, so take them back from both
    await this.local.release(reservation);
    if (!reservation.length) return;
    await this.either(
      async (redis) => {
        const pipeline = redis.pipeline();
        for (const { event, identifier, id } of reservation) pipeline.zrem(this.key(event, identifier), id);
        failedStep(await pipeline.exec());
      },
      async () => undefined,
    );
  }

  clear(event: string, identifier: string): Promise<void> {
    return this.either(
      async (redis) => {
        await redis.del(this.key(event, identifier));
        await this.local.clear(event, identifier);
      },
      () => this.local.clear(event, identifier),
    );
  }
}

function failedStep(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('Redis pipeline aborted');
  for (const [error] of results) if (error) throw error;
  return results.map(([, value]) => value);
}
