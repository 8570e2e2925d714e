/**
 * Seeded randomness for deterministic demo, test and benchmark data (never Math.random): the same seed
 * gives the same numbers on every machine. Pure functions only, no I/O.
 */

/** mulberry32: a small, fast, seedable 32-bit PRNG; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Distributions drawn from a [0, 1) source such as `prng(seed)`. Each method takes its numbers from
 * `next()` in a fixed order, so the data built from one seed never changes unless the calls do.
 */
export class Draw {
  constructor(readonly next: () => number) {}
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo + 1) * this.next());
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A standard normal (Box-Muller): two draws a value, the pair's second normal discarded. */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
  pick<T>(weights: readonly (readonly [T, number])[]): T {
    let x = this.next();
    for (const [value, w] of weights) {
      if (x < w) return value;
      x -= w;
    }
    return (weights[weights.length - 1] as readonly [T, number])[0];
  }
  /** Events out of `n` trials with probability `p`: exact for small n, normal approximation above. */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (n <= 12) {
      let k = 0;
      for (let i = 0; i < n; i++) if (this.next() < p) k++;
      return k;
    }
    const k = Math.round(n * p + this.normal() * Math.sqrt(n * p * (1 - p)));
    return Math.min(n, Math.max(0, k));
  }
  round(x: number, digits: number): number {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
  }
}

/** A Draw whose normal() keeps the second normal of each Box-Muller pair for the next call. */
export class PairedDraw extends Draw {
  private spare: number | null = null;
  override normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}
