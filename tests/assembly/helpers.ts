// Shared by the as-pect specs: f32 buffers in linear memory, a seeded generator, and a max-error measure.
// Buffers come from heap.alloc (never collected, freed with free()) because the kernels take raw
// addresses that the GC does not trace.

import { pack_weights } from "../../assembly/gemm";

let seed: u32 = 0x2545f491;

/** Uniform in [-scale, scale), from a fixed-seed LCG so every run sees the same numbers. */
export function rnd(scale: f32 = 1): f32 {
  seed = seed * 1103515245 + 12345;
  return (<f32>(seed >>> 8) / <f32>(1 << 24) * 2 - 1) * scale;
}

/** n f32 filled with rnd(scale) (or with `fill` when scale = 0). */
export function buf(n: i32, scale: f32 = 1, fill: f32 = 0): usize {
  const p = heap.alloc(<usize>max(n, 1) << 2);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), scale != 0 ? rnd(scale) : fill);
  return p;
}

export function free(p: usize): void {
  heap.free(p);
}

/**
 * A new buffer holding pack_weights(N, K, w): its strips, ceil(N/8)·8·K f32, then its row blocks, ⌊N/28⌋·28·K
 * (packedFloats in src/kernels.ts; pre-filled with NaN: a missed element poisons the products).
 */
export function packed(N: i32, K: i32, w: usize): usize {
  const n = ((N + 7) >> 3) * 8 * K + (N / 28) * 28 * K;
  const p = buf(n, 0, NaN);
  pack_weights(N, K, w, p);
  return p;
}

/** Element i of the f32 buffer at p. */
export function at(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

/** Copy of n f32 at p into a new buffer. */
export function copy(p: usize, n: i32): usize {
  const q = buf(n, 0);
  memory.copy(q, p, <usize>n << 2);
  return q;
}

/** max over i < n of |got[i] − want[i]| / max(1, |want[i]|); want is f64. */
export function maxErr(got: usize, want: StaticArray<f64>, n: i32): f64 {
  let e: f64 = 0;
  for (let i = 0; i < n; i++) {
    const w = want[i];
    const d = Math.abs(<f64>at(got, i) - w) / Math.max(1, Math.abs(w));
    if (!(d <= e)) e = d; // NaN propagates as "worse"
  }
  return e;
}

// ---- for the cell specs (naive f64 forward + central-difference gradients) ----------------------------

/** n values rnd(scale) as f64 (f32 numbers, so f32buf() copies them exactly). */
export function rand64(n: i32, scale: f32 = 1): StaticArray<f64> {
  const a = new StaticArray<f64>(n);
  for (let i = 0; i < n; i++) a[i] = rnd(scale);
  return a;
}

/** A new f32 buffer holding a. */
export function f32buf(a: StaticArray<f64>): usize {
  const p = buf(a.length, 0);
  for (let i = 0; i < a.length; i++) store<f32>(p + (<usize>i << 2), <f32>a[i]);
  return p;
}

/** A new i32 buffer holding a (the lengths argument of the recurrent kernels). */
export function i32buf(a: StaticArray<i32>): usize {
  const p = heap.alloc(<usize>max(a.length, 1) << 2);
  for (let i = 0; i < a.length; i++) store<i32>(p + (<usize>i << 2), a[i]);
  return p;
}

/** act(x) in f64 for an activation code (0 linear, 1 tanh, 2 sigmoid, 3 relu). */
export function act64(a: i32, x: f64): f64 {
  if (a == 1) return Math.tanh(x);
  if (a == 2) return 1 / (1 + Math.exp(-x));
  if (a == 3) return Math.max(x, 0);
  return x;
}

/** Central-difference gradient (f64, step 1e-6) of loss() with respect to every element of p. */
export function numGrad(p: StaticArray<f64>, loss: () => f64): StaticArray<f64> {
  const g = new StaticArray<f64>(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    p[i] = v + 1e-6;
    const lp = loss();
    p[i] = v - 1e-6;
    const lm = loss();
    p[i] = v;
    g[i] = (lp - lm) / 2e-6;
  }
  return g;
}

/** Like maxErr for an accumulated gradient: compares got[i] − base[i] (f32 buffers) with want[i]. */
export function maxAddErr(got: usize, base: usize, want: StaticArray<f64>, n: i32): f64 {
  let e: f64 = 0;
  for (let i = 0; i < n; i++) {
    const w = want[i];
    const d = Math.abs(<f64>at(got, i) - <f64>at(base, i) - w) / Math.max(1, Math.abs(w));
    if (!(d <= e)) e = d;
  }
  return e;
}
