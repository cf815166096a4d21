// A small seeded PRNG (sfc32) for the robustness suite: the same seed gives the same requests and
// the same kill moments, so a failure can be replayed. Math.random is never used.
import { randomInt } from 'node:crypto';

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator for (seed, stream): each request draws from a stream of its own. */
  constructor(seed: number, stream = 0) {
    this.a = seed >>> 0;
    this.b = (stream * 0x9e3779b9) >>> 0;
    this.c = 0x243f6a88 ^ stream;
    this.d = 1;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((sum, [w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [w, value] of items) {
      x -= w;
      if (x < 0) return value;
    }
    return items[items.length - 1][1];
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
}

/** The run's seed: from `variable` when set (replaying a failure), else a fresh random one. */
export function seedFrom(variable: string): number {
  const given = process.env[variable];
  if (given === undefined || given === '') return randomInt(1, 2 ** 31);
  if (!/^\d+$/.test(given)) throw new Error(`${variable} must be a whole number, got "${given}"`);
  return Number(given) >>> 0;
}
