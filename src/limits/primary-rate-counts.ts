// GATEHOUSE_RATE_LIMIT under `serve --workers N` without Redis: the workers count in the primary
// process over cluster IPC, so the limit holds for the port as a whole and never silently becomes
// N times the limit. The primary keeps the counts in @fastify/rate-limit's own in-memory store;
// a worker whose primary is gone counts on its own (it is about to exit anyway).
import type { Worker } from 'node:cluster';
import { createRequire } from 'node:module';

type Counted = { current: number; ttl: number };
type Incr = (key: string, cb: (error: Error | null, result?: Counted) => void, timeWindow: number, max: number) => void;
export interface CounterStore {
  incr: Incr;
  child(routeOptions: unknown): CounterStore;
}

interface CountRequest {
  gatehouseRateCount: { id: number; key: string; timeWindow: number; max: number };
}
interface CountReply {
  gatehouseRateCounted: { id: number } & Counted;
}

// the plugin's store is a CommonJS file without type declarations
const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, backoff: boolean, size: number) => CounterStore;

/** The counts of every client IP, as one `serve` keeps them. */
export function memoryCounts(): CounterStore {
  return new LocalStore(false, false, 10_000);
}

let primaryCounts: CounterStore | null = null;

/** Primary: counts what `worker` asks to count, in the one store every worker shares. */
export function answerRateCounts(worker: Worker): void {
  worker.on('message', (message: unknown) => {
    const request = (message as Partial<CountRequest> | null)?.gatehouseRateCount;
    if (!request || typeof request.key !== 'string') return;
    primaryCounts ??= memoryCounts();
    primaryCounts.incr(
      request.key,
      (_error, result) => {
        if (!result || !worker.isConnected()) return;
        const reply: CountReply = { gatehouseRateCounted: { id: request.id, current: result.current, ttl: result.ttl } };
        worker.send(reply);
      },
      request.timeWindow,
      request.max,
    );
  });
}

/** Worker: a counter store that counts in the primary, and in this process once the primary is gone. */
export function primaryRateCounts(): CounterStore {
  const local = memoryCounts();
  const pending = new Map<number, { cb: (error: Error | null, result?: Counted) => void; args: [string, number, number] }>();
  let next = 0;
  const countLocally = (): void => {
    for (const { cb, args } of pending.values()) local.incr(args[0], cb, args[1], args[2]);
    pending.clear();
  };
  process.on('message', (message: unknown) => {
    const reply = (message as Partial<CountReply> | null)?.gatehouseRateCounted;
    if (!reply) return;
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    waiting?.cb(null, { current: reply.current, ttl: reply.ttl });
  });
  process.once('disconnect', countLocally);
  const store: CounterStore = {
    incr(key, cb, timeWindow, max) {
      if (!process.send || !process.connected) return local.incr(key, cb, timeWindow, max);
      const id = ++next;
      pending.set(id, { cb, args: [key, timeWindow, max] });
      const request: CountRequest = { gatehouseRateCount: { id, key, timeWindow, max } };
      process.send(request, undefined, undefined, (error) => {
        if (!error) return;
        const waiting = pending.get(id);
        pending.delete(id);
        if (waiting) local.incr(key, waiting.cb, timeWindow, max);
      });
    },
    child: () => store,
  };
  return store;
}
