// /metrics under `serve --workers N`: a scrape reaches one worker, which asks the primary for the
// counts of every worker and answers their sum (prom-client's aggregation: counters and histograms
// added, each process gauge by its own rule), so a scrape never sees one worker's share alone.
// A worker that does not answer within a second (one starting) is left out of that scrape.
import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const COLLECT_MS = 1000;

interface Ask {
  gatehouseMetricsAsk: number;
}
interface Collect {
  gatehouseMetricsCollect: number;
}
interface Collected {
  gatehouseMetricsCollected: { id: number; metrics: object[] };
}
interface Answer {
  gatehouseMetricsAnswer: { id: number; text: string | null };
}
type Message = Partial<Ask & Collect & Collected & Answer> | null;

// ---- in a worker

let ownRegistry: Registry | null = null;
let asked = 0;
const answers = new Map<number, (text: string | null) => void>();

/** Worker: hands `registry` to the primary when it collects, and hears its answers. */
export function joinClusterMetrics(registry: Registry): void {
  if (ownRegistry) {
    ownRegistry = registry;
    return;
  }
  ownRegistry = registry;
  process.on('message', (raw: unknown) => {
    const message = raw as Message;
    if (message?.gatehouseMetricsCollect !== undefined) {
      const id = message.gatehouseMetricsCollect;
      void ownRegistry?.getMetricsAsJSON().then((metrics) => {
        const reply: Collected = { gatehouseMetricsCollected: { id, metrics } };
        if (process.connected) process.send?.(reply);
      });
    } else if (message?.gatehouseMetricsAnswer) {
      const { id, text } = message.gatehouseMetricsAnswer;
      answers.get(id)?.(text);
      answers.delete(id);
    }
  });
}

/** Worker: every worker's counts, summed by the primary; this worker's own if the primary cannot say. */
export function clusterMetricsText(own: Registry): Promise<string> {
  if (!process.send || !process.connected) return own.metrics();
  return new Promise((resolve) => {
    const id = ++asked;
    const timer = setTimeout(() => {
      answers.delete(id);
      resolve(own.metrics());
    }, COLLECT_MS * 2);
    answers.set(id, (text) => {
      clearTimeout(timer);
      resolve(text ?? own.metrics());
    });
    const ask: Ask = { gatehouseMetricsAsk: id };
    process.send?.(ask);
  });
}

// ---- in the primary

let collecting = 0;
const collections = new Map<number, { pending: Set<number>; responses: object[][]; done: () => void }>();

/** Primary: collects from `serving()` when `worker` asks, and routes what each worker hands back. */
export function answerMetrics(worker: Worker, serving: () => Worker[]): void {
  worker.on('message', (raw: unknown) => {
    const message = raw as Message;
    if (message?.gatehouseMetricsCollected) {
      const { id, metrics } = message.gatehouseMetricsCollected;
      const collection = collections.get(id);
      if (!collection?.pending.delete(worker.id)) return;
      collection.responses.push(metrics);
      if (collection.pending.size === 0) collection.done();
    } else if (message?.gatehouseMetricsAsk !== undefined) {
      const asker = message.gatehouseMetricsAsk;
      void collect(serving()).then((text) => {
        const answer: Answer = { gatehouseMetricsAnswer: { id: asker, text } };
        if (worker.isConnected()) worker.send(answer);
      });
    }
  });
}

async function collect(workers: Worker[]): Promise<string | null> {
  const id = ++collecting;
  const responses: object[][] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => resolve(), COLLECT_MS);
    const pending = new Set<number>();
    collections.set(id, {
      pending,
      responses,
      done: () => {
        clearTimeout(timer);
        resolve();
      },
    });
    const request: Collect = { gatehouseMetricsCollect: id };
    for (const worker of workers) {
      if (!worker.isConnected()) continue;
      pending.add(worker.id);
      worker.send(request);
    }
    if (pending.size === 0) collections.get(id)?.done();
  });
  collections.delete(id);
  if (responses.length === 0) return null;
  return AggregatorRegistry.aggregate(responses).metrics();
}
