// argon2id on threads of their own, at a lower OS priority than the event loop. In libuv's pool
// a hash competes for the cores as an equal with the event loop and the signing threads: a burst
// of logins made every other request's p99 four to five times longer. On these threads (nice
// +10; Linux applies a nice value per thread) the scheduler serves requests first and gives
// hashing what is left — all of the cores when nothing else runs, so logins keep their rate.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Options } from '@node-rs/argon2';

/** CFS weight 110 against the event loop's 1024 */
const NICE = 10;

// CommonJS, evaluated in the worker: @node-rs/argon2 comes by the absolute path resolved here
const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { setPriority } = require('node:os');
const argon2 = require(workerData.module);
try {
  setPriority(workerData.nice); // this thread only, on Linux
} catch {}
parentPort.on('message', ({ id, op, password, hash, options }) => {
  try {
    const value = op === 'hash' ? argon2.hashSync(password, options) : argon2.verifySync(hash, password);
    parentPort.postMessage({ id, value });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

type Job = { op: 'hash'; password: string; options: Options } | { op: 'verify'; password: string; hash: string };

interface Pending {
  resolve(value: string | boolean): void;
  reject(error: Error): void;
}

class HashThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  dead = false;

  constructor() {
    this.worker = new Worker(CODE, { eval: true, workerData: { module: createRequire(import.meta.url).resolve('@node-rs/argon2'), nice: NICE } });
    // held only while it has work: an idle thread never keeps the process alive
    this.worker.unref();
    this.worker.on('message', ({ id, value, error }: { id: number; value?: string | boolean; error?: string }) => {
      const job = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) this.worker.unref();
      if (error !== undefined) job?.reject(new Error(error));
      else job?.resolve(value!);
    });
    const fail = (error: Error): void => {
      this.dead = true;
      for (const job of this.pending.values()) job.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`password hashing thread exited (${code})`)));
  }

  get load(): number {
    return this.pending.size;
  }

  run(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, ...job });
    });
  }
}

/** Up to `size` threads, started when first needed; a job goes to the least busy. */
export class Argon2Threads {
  private threads: HashThread[] = [];

  constructor(private readonly size: number) {}

  hash(password: string, options: Options): Promise<string> {
    return this.pick().run({ op: 'hash', password, options }) as Promise<string>;
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.pick().run({ op: 'verify', password, hash }) as Promise<boolean>;
  }

  private pick(): HashThread {
    this.threads = this.threads.filter((t) => !t.dead);
    const idle = this.threads.find((t) => t.load === 0);
    if (idle) return idle;
    if (this.threads.length < this.size) {
      const thread = new HashThread();
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((a, b) => (b.load < a.load ? b : a));
  }
}
