// `gatehouse serve --workers N`: the primary process (node:cluster) forks N workers that each run
// the server on the one port, restarts a worker that dies (with a backoff, so a crash loop does
// not spin), and on SIGTERM or SIGINT drains them all and exits 0 once they are done. It serves no
// request itself; the one-time start work (migrations, keys, administrator) is done before it forks.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import { answerMetrics } from '../cluster-metrics.js';
import { answerRateCounts } from '../limits/primary-rate-counts.js';

/** A worker that dies sooner than this after it was forked counts as a crash in a row. */
const STABLE_MS = 10_000;
const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;
/** On shutdown, a worker still draining after this is killed. */
const DRAIN_MS = 30_000;

/** The wait before the next restart, after `crashes` crashes in a row (0: at once). */
export function restartDelay(crashes: number): number {
  return crashes === 0 ? 0 : Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (crashes - 1));
}

/** Forks `count` workers and keeps them running until a signal; resolves with the exit code. */
export function superviseWorkers(count: number, log: FastifyBaseLogger): Promise<number> {
  const forkedAt = new Map<number, number>();
  /** the workers that listen: the ones a /metrics scrape collects from */
  const serving = new Map<number, Worker>();
  const restarts = new Set<NodeJS.Timeout>();
  let listening = false;
  let stopping = false;
  let crashes = 0;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });

  // each worker hashes passwords with its share of the cores, unless the operator said otherwise
  const hashSlots = process.env.GATEHOUSE_PASSWORD_CONCURRENCY || String(Math.max(1, Math.floor(availableParallelism() / count)));
  const fork = (): Worker => {
    const worker = cluster.fork({ GATEHOUSE_PASSWORD_CONCURRENCY: hashSlots });
    forkedAt.set(worker.id, Date.now());
    answerRateCounts(worker);
    answerMetrics(worker, () => [...serving.values()]);
    return worker;
  };
  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  const stop = (signal: string, code: number): void => {
    if (stopping) return;
    stopping = true;
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    const workers = alive();
    log.info({ signal, workers: workers.length }, 'shutting down: draining the workers');
    // each worker closes its server as a lone `serve` does on SIGTERM, then exits
    for (const worker of workers) worker.process.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const worker of alive()) {
        log.warn({ worker: worker.id, workerPid: worker.process.pid }, 'worker still draining; killed');
        worker.process.kill('SIGKILL');
      }
    }, DRAIN_MS);
    killer.unref();
    const check = (): void => {
      if (alive().length > 0) return;
      clearTimeout(killer);
      finish(code);
    };
    cluster.on('exit', check);
    check();
  };

  cluster.on('listening', (worker, address) => {
    listening = true;
    serving.set(worker.id, worker);
    log.info({ worker: worker.id, workerPid: worker.process.pid, port: address.port }, 'worker listening');
  });
  cluster.on('exit', (worker, code, signal) => {
    serving.delete(worker.id);
    if (stopping) return;
    const lived = Date.now() - (forkedAt.get(worker.id) ?? 0);
    forkedAt.delete(worker.id);
    if (!listening) {
      // no worker ever served: the start itself fails (a port taken, a database away), as a lone serve would
      log.error({ worker: worker.id, workerPid: worker.process.pid, code, signal }, 'a worker failed to start; stopping');
      stop('start failed', 1);
      return;
    }
    crashes = lived < STABLE_MS ? crashes + 1 : 0;
    const delay = restartDelay(crashes);
    log.error({ worker: worker.id, workerPid: worker.process.pid, code, signal, restartInMs: delay }, 'worker exited; starting another');
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork();
    }, delay);
    restarts.add(timer);
  });

  process.once('SIGTERM', () => stop('SIGTERM', 0));
  process.once('SIGINT', () => stop('SIGINT', 0));
  log.info({ workers: count }, 'starting workers');
  for (let i = 0; i < count; i++) fork();
  return done;
}
