// Redis for tests: 127.0.0.1:6379. Each caller gets a key prefix of its own. Under CI=true an
// unreachable server is a failure, never a silent skip.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** `false` when the tests may run; a skip reason locally; throws under CI when Redis is down. */
export async function redisSkip(): Promise<false | string> {
  if (await redisReachable()) return false;
  if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true but ${REDIS_URL} is unreachable`);
  return `Redis unreachable at ${REDIS_URL}`;
}

export function freshRedisPrefix(): string {
  return `gh_test_${randomBytes(6).toString('hex')}:`;
}

/** Removes every key under a test's prefix. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
