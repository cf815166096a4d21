// WAL checkpoints on a thread of their own. SQLite checkpoints automatically in the connection
// that commits, once the WAL reaches 1000 pages: that commit then copies pages back into the
// database file and syncs it — on the event loop, while every request waits (a third of a
// refresh-token rotation's time in a profile). Here the serving connection checkpoints only as a
// safety net, at a WAL ten times that size, and a worker thread with a connection of its own
// runs PASSIVE checkpoints every CHECKPOINT_MS, which never block the serving connection's
// writes. Checkpointing copies committed data only: when it runs changes nothing of what a
// commit guarantees. If the worker fails, the serving connection checkpoints as SQLite's default.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

const CHECKPOINT_MS = 250;
/** SQLite's default auto-checkpoint, in pages */
const DEFAULT_PAGES = 1000;
/** the serving connection's own, as a safety net: a WAL the worker could not keep down (readers of other processes holding it) */
const SAFETY_NET_PAGES = 10 * DEFAULT_PAGES;

// CommonJS, evaluated in the worker: better-sqlite3 comes by the absolute path the main thread resolved
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.module);
const db = new SQLite(workerData.path, { fileMustExist: true });
// a checkpoint that would wait for a lock is skipped: the next one comes soon
db.pragma('busy_timeout = 0');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {}
  parentPort.postMessage('done');
});
`;

export interface Checkpointer {
  close(): Promise<void>;
}

/** Moves the WAL checkpoints of the file database `path` off the event loop (see above). */
export function checkpointInWorker(database: SQLite.Database, path: string): Checkpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), path } });
  let running = false;
  let stopped = false;
  database.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = true;
    worker.postMessage('checkpoint');
  }, CHECKPOINT_MS);
  timer.unref();
  worker.unref();
  worker.on('message', () => {
    running = false;
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = (): void => {
    clearInterval(timer);
    // the database may be closed by now (a worker ending with the store): nothing to restore then
    if (!stopped && database.open) database.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
    stopped = true;
  };
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return {
    async close(): Promise<void> {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      // held until it has closed its connection (an unref'd worker's exit would not be waited for)
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
