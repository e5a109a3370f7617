/**
 * Seeded pseudo-random numbers. Every source of randomness in the library
 * (initializers, dropout masks, shuffling) draws from an explicit `Random`,
 * so the same seed gives the same run.
 */

/** mulberry32 — small, fast, good enough statistical quality for ML initialization and shuffling. */
export class Random {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal via Box–Muller (the second value is kept for the next call). */
  normal(mean = 0, stddev = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + stddev * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + stddev * r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  /** A child generator with its own stream, derived deterministically. */
  fork(): Random {
    return new Random(Math.floor(this.next() * 4294967296));
  }
}

let globalSeed: number | null = null;

/** Sets the seed used by models and layers that were not given one explicitly. */
export function setSeed(seed: number): void {
  globalSeed = seed >>> 0;
}

/** The seed for a new model: explicit > setSeed() > time-based. */
export function resolveSeed(seed?: number): number {
  if (seed !== undefined) return seed >>> 0;
  if (globalSeed !== null) {
    const s = globalSeed;
    globalSeed = (globalSeed + 0x9e3779b9) >>> 0; // successive models get distinct but reproducible streams
    return s;
  }
  return (Date.now() ^ (Math.random() * 4294967296)) >>> 0;
}
