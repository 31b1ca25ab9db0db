// Seeded data for the bench files, in Node processes and browser pages alike (no Node module here;
// bench/common.ts re-exports it).

import type { Rng } from '../src/random.ts';

/** n values uniform in [lo, hi) from `rng` (BENCHMARKS.md: weights uniform(-0.1, 0.1) from a fixed seed). */
export function uniform(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}
