// A small seeded PRNG for tests (mulberry32), so every random shape and value in a test is reproducible.
//
// Tests use this instead of src/random.ts on purpose: the reference and kernel tests must not depend on
// the library code they help to check. Values are rounded to float32 so the f64 reference and the f32
// kernels start from exactly the same inputs.

/** mulberry32 (Tommy Ettinger): a 32-bit state generator, plenty for test data. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** n values uniform in [lo, hi), each rounded to the nearest float32 (so f32 and f64 code see the same numbers). */
  array(n: number, lo = -1, hi = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.fround(this.uniform(lo, hi));
    return out;
  }

  /**
   * N rows of I with at most one nonzero each (the input the one-hot path of assembly/onehot.ts takes): about
   * one row in five all zeros, the others a 1 (half of them) or a value in [−2, 2) at a random position.
   */
  oneHotRows(N: number, I: number): Float64Array {
    const out = new Float64Array(N * I);
    for (let r = 0; r < N; r++) {
      if (this.next() < 0.2) continue;
      out[r * I + this.int(0, I - 1)] = this.next() < 0.5 ? 1 : Math.fround(this.uniform(-2, 2));
    }
    return out;
  }

  /** One of the given values. */
  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)];
  }
}
