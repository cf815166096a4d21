// JWS signatures on worker threads of our own, handed over in batches. node:crypto's callback
// form signs in libuv's pool, but each signature is then a job of its own: queued under the pool's
// lock, a pool thread woken for it, its completion waking the event loop again. On a busy
// two-core machine the woken threads take the event loop's core as often as not; a profile of
// the refresh grant measured 35–50 µs of event-loop time per signature handed over that way
// (an ES256 signature itself takes ~25 µs). Here every signature asked for in one turn of the
// event loop travels in one message to a signing thread, and the signatures come back in one:
// a few µs of event-loop time each. Threads are started on first use and never keep the process
// alive; if one fails, its batch is rejected and signing falls back to the pool.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';

export type SignatureAlg = 'ES256' | 'RS256' | 'EdDSA';

// CommonJS, evaluated in the worker. A job: [id, key slot, alg, input]; an answer: [id, signature] or [id, null, message]
const CODE = `
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const keys = [];
const signature = (alg, key, input) =>
  alg === 'ES256' ? sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }) : alg === 'RS256' ? sign('sha256', input, key) : sign(null, input, key);
parentPort.on('message', ({ newKeys, jobs }) => {
  for (const [slot, key] of newKeys) keys[slot] = key;
  const answers = [];
  for (const [id, slot, alg, input] of jobs) {
    try {
      answers.push([id, signature(alg, keys[slot], input)]);
    } catch (error) {
      answers.push([id, null, String((error && error.message) || error)]);
    }
  }
  parentPort.postMessage(answers);
});
`;

type Job = [id: number, slot: number, alg: SignatureAlg, input: Buffer];
type Answer = [id: number, signature: Uint8Array | null, error?: string];

interface Pending {
  resolve(signature: Buffer): void;
  reject(error: Error): void;
}

class SigningThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  /** the key slots this thread has been sent */
  private readonly sent = new Set<number>();
  private jobs: Job[] = [];
  private newKeys: [number, KeyObject][] = [];
  private scheduled = false;
  dead = false;

  constructor() {
    this.worker = new Worker(CODE, { eval: true });
    this.worker.on('message', (answers: Answer[]) => {
      for (const [id, signature, error] of answers) {
        const job = this.pending.get(id);
        this.pending.delete(id);
        if (signature) job?.resolve(Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength));
        else job?.reject(new Error(error ?? 'signing failed'));
      }
      if (this.pending.size === 0) this.worker.unref();
    });
    const fail = (error: Error): void => {
      this.dead = true;
      for (const job of this.pending.values()) job.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', () => fail(new Error('signing thread exited')));
    // held only while it has work, an idle thread never keeps the process alive; after the
    // listeners, as adding a 'message' listener refs the worker's port again
    this.worker.unref();
  }

  sign(id: number, slot: number, key: KeyObject, alg: SignatureAlg, input: Buffer): Promise<Buffer> {
    if (!this.sent.has(slot)) {
      this.sent.add(slot);
      this.newKeys.push([slot, key]);
    }
    this.jobs.push([id, slot, alg, input]);
    const answer = new Promise<Buffer>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      // every signature asked for until the event loop's next check phase goes in one message
      setImmediate(() => this.flush());
    }
    return answer;
  }

  private flush(): void {
    this.scheduled = false;
    const message = { newKeys: this.newKeys, jobs: this.jobs };
    this.newKeys = [];
    this.jobs = [];
    this.worker.ref();
    this.worker.postMessage(message);
  }
}

/** The process's signing threads (two: one takes a turn's batch while the other may still sign the last), started on first use. */
export class SigningThreads {
  private threads: SigningThread[] = [];
  /** the thread taking this turn's batch */
  private current: SigningThread | null = null;
  private readonly slots = new WeakMap<KeyObject, number>();
  private nextSlot = 0;
  private nextId = 0;
  private turn = 0;

  constructor(private readonly count = Math.min(2, availableParallelism())) {}

  /** Null when no thread can take it (every one failed): the caller signs some other way. */
  sign(key: KeyObject, alg: SignatureAlg, input: Buffer): Promise<Buffer> | null {
    if (this.current === null || this.current.dead) {
      if (this.threads.length === 0) this.threads = Array.from({ length: this.count }, () => new SigningThread());
      this.threads = this.threads.filter((thread) => !thread.dead);
      if (this.threads.length === 0) return null;
      // a turn's batch goes to one thread, the next turn's to the next
      this.current = this.threads[this.turn++ % this.threads.length];
      setImmediate(() => {
        this.current = null;
      });
    }
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.nextSlot++;
      this.slots.set(key, slot);
    }
    return this.current.sign(this.nextId++, slot, key, alg, input);
  }
}
